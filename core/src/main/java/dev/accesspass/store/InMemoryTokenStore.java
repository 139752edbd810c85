package dev.accesspass.store;

import dev.accesspass.SessionId;
import dev.accesspass.UserId;
import java.time.Duration;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default {@link TokenStore}: everything in concurrent hash maps, lost on restart.
 *
 * <p>Notes for maintainers. The hot path is {@link #findSlot} (core's check) and {@link #findByAccessToken}: one
 * lock-free {@link AccessIndex} lookup and a few field reads, no allocation beyond the returned {@code Optional}: a
 * generation's grant is built at its first check and reused ({@link Generation#grant}; a change of epoch or
 * authentication facts drops it, and the purge drops it once that access token expired). Layout, chosen for bytes
 * per session:
 * <ul>
 *   <li>{@code access}: access digest → the {@link Generation} (one token pair) it belongs to, or the
 *       {@link CheckedPair} in its place once core's check remembered its answer;</li>
 *   <li>{@code refresh}: refresh digest → its live {@link Generation}, or a {@link Used} marker once rotated;</li>
 *   <li>{@code users}: user → the list of that user's {@link Family} (session) objects, for revocation by user and
 *       for the background purge; a session id is {@code <userId>.<sequence>} so that it leads to that list.</li>
 * </ul>
 * A {@link Family} is the session. Its {@code current} generation is the single source of truth: a generation is
 * live only while it is its family's {@code current} (or, for its access token only, the {@code previous} one just
 * rotated out, until that token expires), and a revoked family has neither. Every write
 * to a family (rotation, revocation) holds the family's monitor, so logout racing a refresh can never leave a live
 * token behind, and one refresh token can never get two successors. Reads take no lock.
 *
 * <p>Used refresh digests are remembered (for reuse detection) until their session ends, but at most the last
 * {@value #USED_HISTORY} per session, so a session that is refreshed every few minutes for a month does not grow
 * without bound. An older used token is simply unknown: it is still refused, only without revoking the session.
 */
final class InMemoryTokenStore implements TokenStore, SessionCensus, MemoSlots {
    static final int USED_HISTORY = 16;
    /** Attempt counters kept at most; beyond that, finished windows go first, then arbitrary ones (SR-30). */
    static final int MAX_ATTEMPT_KEYS = 200_000;

    private final AccessIndex access = new AccessIndex();
    private final ConcurrentHashMap<TokenHash, Object> refresh = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UserId, UserSessions> users = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<TokenHash, OneTimeToken> oneTimeTokens = new ConcurrentHashMap<>();
    /**
     * The digests of each user's one-time tokens, so that {@link #deleteOneTimeTokens} (every reset, change,
     * confirmation and deletion) touches only that user's few tokens instead of scanning every token, OAuth states
     * included (SR-73). May briefly list a digest whose token is already gone; never misses a live one.
     */
    private final ConcurrentHashMap<UserId, Set<TokenHash>> oneTimeByUser = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AttemptWindow> attempts = new ConcurrentHashMap<>();
    /** Known device digests, and per user the digests in save order (at most the per-user bound). */
    private final ConcurrentHashMap<TokenHash, KnownDevice> devices = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UserId, ArrayDeque<TokenHash>> devicesByUser = new ConcurrentHashMap<>();
    /**
     * Draws the 128 random bits of each session id (API.md §7: an id must not be guessable into another session).
     * Ids are handles, not secrets, so they need no share of core's token generator.
     */
    private static final SecureRandom ID_RANDOM = new SecureRandom();
    private static final Base64.Encoder ID_ENCODER = Base64.getUrlEncoder().withoutPadding();
    /** 16 bytes in unpadded base64url. */
    private static final int ID_KEY_LENGTH = 22;
    /**
     * Equal user agents, addresses and authentication facts are shared between sessions (a few dozen browsers make
     * most sessions), bounded so that hostile values cannot grow it: once full, a value is simply kept unshared.
     */
    private final Interner interner = new Interner(4096);


    InMemoryTokenStore() {
        // No clock here: every method gets its time from the caller, so issuing and checking agree (SR-69).
    }

    @Override
    public SessionId createSession(NewSession session) {
        long endsAt = millisOrMax(session.endsAt());
        while (true) {
            UserSessions owner = users.computeIfAbsent(session.user(), UserSessions::new);
            Family family = new Family(owner, ID_RANDOM.nextLong(), ID_RANDOM.nextLong(),
                    session.createdAt().toEpochMilli(), endsAt, session.meta(), session.credentialEpoch());
            family.setMetadata(session.metadata(), session.createdAt(), interner);
            Generation first = new Generation(family, session.accessHash(),
                    Math.min(session.accessExpiresAt().toEpochMilli(), endsAt), session.refreshHash(),
                    Math.min(millisOrMax(session.refreshExpiresAt()), endsAt));
            family.current = first;
            // Listed before its tokens are reachable, so a concurrent revokeUserSessions either sees it or runs
            // before it exists. A retired list (its last session just ended) is replaced, never reused.
            if (owner.tryAdd(family)) {
                access.put(first);
                refresh.put(first.refreshHash, first);
                return family.id();
            }
        }
    }

    @Override
    public Optional<SessionGrant> findByAccessToken(TokenHash accessHash, Instant now) {
        AccessEntry entry = liveEntry(accessHash, now.toEpochMilli());
        return entry == null ? Optional.empty() : Optional.of(entry.grant());
    }

    /** {@link #findByAccessToken} without the {@code Optional}: the same rules ({@link #liveEntry}). */
    @Override
    public Slot findSlot(TokenHash accessHash, long nowMillis) {
        return liveEntry(accessHash, nowMillis);
    }

    /**
     * Keeps a check's answer by putting a {@link CheckedPair} in the index in place of the pair's entry, if the pair
     * still holds the grant the answer was built from ({@link AccessIndex#remember} decides, under its monitor).
     */
    @Override
    public void remember(Slot slot, SessionGrant builtFrom, UserCells.Cell cell, UserRecord user, Object answer) {
        access.remember(new CheckedPair(((AccessEntry) slot).pair(), builtFrom, cell, user, answer));
    }

    /** The index entry of a live access token, or null: the rules of both token checks. */
    private AccessEntry liveEntry(TokenHash accessHash, long nowMillis) {
        AccessEntry entry = access.get(accessHash);
        if (entry == null || nowMillis >= entry.accessExpiresAt) {
            return null;
        }
        // A cached grant was built while its generation was live, and the generation is still live while the index
        // holds it: every write that ends one (a revocation, the second rotation after it) removes it from the index
        // under the family's monitor before returning. So a hit needs no read of the family (one cache miss less).
        // A checked pair is in the index only while its pair holds the grant it was built from, so it is live too.
        if (entry instanceof CheckedPair) {
            return entry;
        }
        Generation generation = (Generation) entry;
        if (generation.grant != null) {
            return generation;
        }
        // The generation just rotated out keeps its access token until that token expires, as long as the session
        // lives: otherwise a logout sent with it while another tab refreshes would be refused and leave the new
        // pair alive (SR-17). Revoking the session still ends both at once.
        return generation.isCurrent() || generation.isPrevious() ? generation : null;
    }

    @Override
    public Optional<SessionId> findSessionByRefreshToken(TokenHash refreshHash, Instant now) {
        // A rotated token maps to a Used or Stale marker, never to a Generation: only an unused one is found here.
        if (!(refresh.get(refreshHash) instanceof Generation generation) || !generation.isCurrent()) {
            return Optional.empty();
        }
        long nowMillis = now.toEpochMilli();
        if (nowMillis >= generation.refreshExpiresAt || nowMillis >= generation.family.endsAt) {
            return Optional.empty();
        }
        return Optional.of(generation.family.id());
    }

    @Override
    public Rotation rotate(TokenHash presentedRefresh, Successor successor, Instant now) {
        Object entry = refresh.get(presentedRefresh);
        if (entry instanceof Rotated rotated) {
            return rotated.classify(now);
        }
        if (!(entry instanceof Generation parent)) {
            return new Rotation.Rejected();
        }
        Family family = parent.family;
        long nowMillis = now.toEpochMilli();
        synchronized (family) {
            if (family.current != parent) {
                // Lost a race with another rotation (now a Used entry) or with a revocation (gone).
                Object after = refresh.get(presentedRefresh);
                return after instanceof Rotated rotated ? rotated.classify(now) : new Rotation.Rejected();
            }
            if (nowMillis >= parent.refreshExpiresAt || nowMillis >= family.endsAt) {
                return new Rotation.Rejected();
            }
            Generation next = new Generation(family, successor.accessHash(),
                    Math.min(successor.accessExpiresAt().toEpochMilli(), family.endsAt), successor.refreshHash(),
                    Math.min(millisOrMax(successor.refreshExpiresAt()), family.endsAt));
            access.put(next);
            refresh.put(next.refreshHash, next);
            refresh.put(presentedRefresh, new Used(next, nowMillis, successor.sealedPair()));
            Generation older = family.previous;
            if (older != null) {
                access.remove(older);
            }
            family.previous = parent;
            // The token rotated out is rarely presented again (a logout racing the refresh); its grant and memo
            // would double the session's memory until the purge.
            parent.forget(access);
            family.current = next;
            family.lastUsed = seconds(now);
            // Only the token just rotated can still be answered inside the grace window; an older one keeps just
            // enough to be recognised as reuse, so its sealed pair and its generation can be collected.
            TokenHash grandparent = family.history == null ? null : family.history.latest();
            if (grandparent != null && refresh.get(grandparent) instanceof Used latestUsed) {
                refresh.replace(grandparent, latestUsed, new Stale(family, latestUsed.rotatedAt));
            }
            if (family.history == null) {
                family.history = new History();
            }
            TokenHash forgotten = family.history.remember(presentedRefresh);
            if (forgotten != null) {
                refresh.remove(forgotten);
            }
            return new Rotation.Rotated(next.buildGrant());
        }
    }

    @Override
    public boolean advanceSessionEpoch(SessionId session, long credentialEpoch) {
        Family family = family(session);
        if (family == null) {
            return false;
        }
        synchronized (family) {
            if (family.current == null) {
                return false;
            }
            family.credentialEpoch = Math.max(family.credentialEpoch, credentialEpoch);
            family.grantChanged(access);
            return true;
        }
    }

    @Override
    public boolean recordReauthentication(SessionId session, List<String> amr, int aal, Instant authTime) {
        Family family = family(session);
        if (family == null) {
            return false;
        }
        synchronized (family) {
            if (family.current == null) {
                return false;
            }
            family.facts = interner.intern(new Facts(family.facts.method(), List.copyOf(amr), aal));
            int seconds = seconds(authTime);
            if (Integer.compareUnsigned(seconds, family.authTime) > 0) {
                family.authTime = seconds;
            }
            family.grantChanged(access);
            return true;
        }
    }

    @Override
    public boolean revokeSession(SessionId session) {
        Family family = family(session);
        return family != null && end(family);
    }

    @Override
    public boolean revokeSession(UserId owner, SessionId session) {
        Family family = family(session);
        // The owner is checked on the family found, so another user's id is exactly as unknown as a made-up one.
        return family != null && family.owner.user.equals(owner) && end(family);
    }

    @Override
    public List<LiveSession> listSessions(UserId user, Instant now) {
        UserSessions owner = users.get(user);
        if (owner == null) {
            return List.of();
        }
        long nowMillis = now.toEpochMilli();
        List<LiveSession> live = new ArrayList<>();
        for (Family family : owner.snapshot()) {
            Generation current = family.current;
            if (current != null && !current.isDead(nowMillis)) {
                live.add(family.view());
            }
        }
        live.sort(Comparator.comparing(LiveSession::createdAt).reversed()
                .thenComparing(session -> session.id().value()));
        return live;
    }

    /** The family an id names: {@code <user id>.<22 base64url characters of 128 random bits>}; else null. */
    private Family family(SessionId session) {
        String value = session.value();
        int dot = value.lastIndexOf('.');
        if (dot <= 0 || value.length() - dot - 1 != ID_KEY_LENGTH) {
            return null;
        }
        byte[] key;
        try {
            key = Base64.getUrlDecoder().decode(value.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return null; // not an id this store issued
        }
        if (key.length != 16) {
            return null;
        }
        UserSessions owner = users.get(new UserId(value.substring(0, dot)));
        if (owner == null) {
            return null;
        }
        return owner.find(longAt(key, 0), longAt(key, 8));
    }

    private static long longAt(byte[] bytes, int offset) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = value << 8 | (bytes[offset + i] & 0xFF);
        }
        return value;
    }

    private static int seconds(Instant instant) {
        // Unsigned seconds since the epoch fit an int until 2106; four bytes per time instead of eight.
        return (int) instant.getEpochSecond();
    }

    private static Instant fromSeconds(int seconds) {
        return Instant.ofEpochSecond(Integer.toUnsignedLong(seconds));
    }

    @Override
    public int revokeUserSessions(UserId user, SessionId keep) {
        UserSessions owner = users.get(user);
        if (owner == null) {
            return 0;
        }
        // The session to keep, found once: comparing ids would build every session's id string (a scaling
        // benchmark showed /logout-others spending most of its time there).
        Family kept = keep == null ? null : family(keep);
        int revoked = 0;
        for (Family family : owner.snapshot()) {
            if (family == kept) {
                continue;
            }
            if (end(family)) {
                revoked++;
            }
        }
        return revoked;
    }

    /** Ends a session: its current tokens and remembered used tokens go, and nothing can rotate it again. */
    private boolean end(Family family) {
        synchronized (family) {
            Generation current = family.current;
            if (current == null) {
                return false;
            }
            family.current = null;
            access.remove(current);
            Generation previous = family.previous;
            if (previous != null) {
                access.remove(previous);
                family.previous = null;
            }
            refresh.remove(current.refreshHash);
            for (TokenHash used : family.usedHistory()) {
                refresh.remove(used);
            }
        }
        if (family.owner.removeAndRetireIfEmpty(family)) {
            users.remove(family.owner.user, family.owner);
        }
        return true;
    }

    @Override
    public void saveOneTimeToken(OneTimeToken token) {
        if (token.user() != null) {
            // Indexed before it becomes findable, so a delete that sees the token also sees it in the index.
            // Added inside compute, so a concurrent unindex cannot drop the set between its creation and this add.
            oneTimeByUser.compute(token.user(), (user, digests) -> {
                Set<TokenHash> kept = digests == null ? ConcurrentHashMap.newKeySet() : digests;
                kept.add(token.hash());
                return kept;
            });
        }
        oneTimeTokens.put(token.hash(), token);
    }

    private void unindex(OneTimeToken token) {
        if (token.user() != null) {
            unindex(token.user(), token.hash());
        }
    }

    private void unindex(UserId owner, TokenHash digest) {
        oneTimeByUser.computeIfPresent(owner, (user, digests) -> {
            // Only if that digest no longer names a live token of this user (a re-save keeps it).
            OneTimeToken live = oneTimeTokens.get(digest);
            if (live == null || !owner.equals(live.user())) {
                digests.remove(digest);
            }
            return digests.isEmpty() ? null : digests;
        });
    }

    @Override
    public Optional<OneTimeToken> consumeOneTimeToken(TokenHash hash, TokenPurpose purpose, Instant now) {
        OneTimeToken token = oneTimeTokens.get(hash);
        if (token == null || token.purpose() != purpose) {
            return Optional.empty();
        }
        // remove(key, value) succeeds for exactly one of several concurrent consumers.
        if (!oneTimeTokens.remove(hash, token)) {
            return Optional.empty();
        }
        unindex(token);
        if (!now.isBefore(token.expiresAt())) {
            return Optional.empty();
        }
        return Optional.of(token);
    }

    @Override
    public int deleteOneTimeTokens(UserId user, TokenPurpose purpose) {
        Set<TokenHash> digests = oneTimeByUser.get(user);
        if (digests == null) {
            return 0;
        }
        int deleted = 0;
        for (TokenHash digest : List.copyOf(digests)) {
            OneTimeToken token = oneTimeTokens.get(digest);
            if (token != null && token.purpose() == purpose && user.equals(token.user())
                    && oneTimeTokens.remove(digest, token)) {
                unindex(token);
                deleted++;
            } else if (token == null) {
                unindex(user, digest);
            }
        }
        return deleted;
    }

    @Override
    public AttemptWindow recordFailedAttempt(String key, Instant now, Duration window) {
        if (attempts.size() >= MAX_ATTEMPT_KEYS && !attempts.containsKey(key)) {
            shedAttempts(now);
        }
        return attempts.compute(key, (k, current) ->
                current == null || !now.isBefore(current.windowEndsAt())
                        ? new AttemptWindow(1, now.plus(window))
                        : new AttemptWindow(current.failures() + 1, current.windowEndsAt()));
    }

    @Override
    public AttemptWindow failedAttempts(String key, Instant now) {
        AttemptWindow current = attempts.get(key);
        return current == null || !now.isBefore(current.windowEndsAt()) ? AttemptWindow.none(now) : current;
    }

    @Override
    public void clearFailedAttempts(String key) {
        attempts.remove(key);
    }

    @Override
    public AttemptWindow releaseAttempt(String key, Instant now) {
        AttemptWindow after = attempts.computeIfPresent(key, (k, current) ->
                !now.isBefore(current.windowEndsAt()) || current.failures() <= 1 ? null
                        : new AttemptWindow(current.failures() - 1, current.windowEndsAt()));
        return after == null ? AttemptWindow.none(now) : after;
    }

    private record KnownDevice(UserId user, Instant expiresAt) {
    }

    @Override
    public void saveKnownDevice(TokenHash digest, UserId user, Instant expiresAt) {
        devicesByUser.compute(user, (u, list) -> {
            ArrayDeque<TokenHash> digests = list == null ? new ArrayDeque<>() : list;
            digests.remove(digest);
            // Every device of a user has the same lifetime, so the oldest saved is the first to expire.
            while (digests.size() >= KNOWN_DEVICES_PER_USER) {
                devices.remove(digests.removeFirst());
            }
            digests.addLast(digest);
            devices.put(digest, new KnownDevice(user, expiresAt));
            return digests;
        });
    }

    @Override
    public Optional<UserId> findKnownDevice(TokenHash digest, Instant now) {
        KnownDevice device = devices.get(digest);
        return device == null || !now.isBefore(device.expiresAt()) ? Optional.empty() : Optional.of(device.user());
    }

    private void shedAttempts(Instant now) {
        attempts.values().removeIf(window -> !now.isBefore(window.windowEndsAt()));
        // Still full: a spray of distinct keys. Dropping some counters weakens throttling for those keys but keeps
        // memory flat; the per-address counter of the sprayer is among the most recently touched and survives.
        var keys = attempts.keySet().iterator();
        for (int dropped = 0; attempts.size() >= MAX_ATTEMPT_KEYS && keys.hasNext() && dropped < 10_000; dropped++) {
            keys.next();
            keys.remove();
        }
    }

    /** One pass over the users' session lists (no copying): cheap enough for a metrics scrape. */
    @Override
    public long sessionCount() {
        long count = 0;
        for (UserSessions sessions : users.values()) {
            count += sessions.size();
        }
        return count;
    }

    @Override
    public int purgeExpired(Instant now) {
        long nowMillis = now.toEpochMilli();
        int purged = 0;
        for (UserSessions owner : users.values()) {
            for (Family family : owner.snapshot()) {
                Generation current = family.current;
                if (current != null && current.isDead(nowMillis) && end(family)) {
                    purged++;
                } else {
                    family.forgetExpiredGrants(nowMillis, access);
                }
            }
        }
        for (Map.Entry<TokenHash, OneTimeToken> entry : oneTimeTokens.entrySet()) {
            if (!now.isBefore(entry.getValue().expiresAt()) && oneTimeTokens.remove(entry.getKey(), entry.getValue())) {
                unindex(entry.getValue());
                purged++;
            }
        }
        for (Map.Entry<String, AttemptWindow> entry : attempts.entrySet()) {
            if (!now.isBefore(entry.getValue().windowEndsAt()) && attempts.remove(entry.getKey(), entry.getValue())) {
                purged++;
            }
        }
        for (Map.Entry<TokenHash, KnownDevice> entry : devices.entrySet()) {
            KnownDevice device = entry.getValue();
            if (!now.isBefore(device.expiresAt())) {
                TokenHash digest = entry.getKey();
                devicesByUser.computeIfPresent(device.user(), (u, digests) -> {
                    if (devices.remove(digest, device)) {
                        digests.remove(digest);
                    }
                    return digests.isEmpty() ? null : digests;
                });
                purged++;
            }
        }
        return purged;
    }

    /** For tests: how many one-time digests the by-user index lists for {@code user}. */
    int indexedOneTimeTokens(UserId user) {
        Set<TokenHash> digests = oneTimeByUser.get(user);
        return digests == null ? 0 : digests.size();
    }

    /** For tests: how many token pairs of live sessions hold a ready grant. */
    int cachedGrants() {
        int cached = 0;
        for (UserSessions owner : users.values()) {
            for (Family family : owner.snapshot()) {
                Generation current = family.current;
                Generation previous = family.previous;
                cached += (current != null && current.grant != null ? 1 : 0)
                        + (previous != null && previous.grant != null ? 1 : 0);
            }
        }
        return cached;
    }

    /** For tests: the access-token index. */
    AccessIndex accessIndex() {
        return access;
    }

    /** For the SR-02 test: every token digest this store holds, of any kind. */
    List<TokenHash> allDigests() {
        List<TokenHash> digests = new ArrayList<>(access.digests());
        digests.addAll(refresh.keySet());
        digests.addAll(oneTimeTokens.keySet());
        return digests;
    }

    private static long millisOrMax(Instant instant) {
        return instant == null ? Long.MAX_VALUE : instant.toEpochMilli();
    }

    private static Instant instantOrNull(long millis) {
        return millis == Long.MAX_VALUE ? null : Instant.ofEpochMilli(millis);
    }

    /** One session. Final fields are set once; {@code current} and the history change under the monitor. */
    static final class Family {
        final UserSessions owner;
        /** The 128 random bits of the session id. */
        final long idHigh;
        final long idLow;
        final long createdAt;
        final long endsAt;
        final Map<String, String> meta;
        /** Only raised, under the monitor ({@link #advanceSessionEpoch}); read without a lock. */
        volatile long credentialEpoch;
        volatile Generation current;
        /** The generation {@code current} replaced, whose access token still works until it expires. */
        volatile Generation previous;
        History history; // the last USED_HISTORY rotated digests, from the first rotation on; under the monitor
        int slot; // index in owner's list, guarded by owner
        // Metadata (API.md §7), compact: an IPv4 address as an int, shared strings, times as unsigned seconds.
        int ipv4;
        /** The address when it is not a canonical IPv4 literal (then {@link #ipv4} is unused), or null for IPv4. */
        String otherAddress;
        String userAgent;
        /** Replaced by a re-authentication, under the monitor; read without a lock by the token check. */
        volatile Facts facts;
        volatile int authTime;
        /** Raised at each rotation, under the monitor; never by the token check. */
        volatile int lastUsed;

        Family(UserSessions owner, long idHigh, long idLow, long createdAt, long endsAt, Map<String, String> meta,
               long credentialEpoch) {
            this.owner = owner;
            this.credentialEpoch = credentialEpoch;
            this.idHigh = idHigh;
            this.idLow = idLow;
            this.createdAt = createdAt;
            this.endsAt = endsAt;
            this.meta = meta;
        }

        /** Set before the family is published (its fields are then read through the maps' happens-before). */
        void setMetadata(SessionMetadata metadata, Instant createdAt, Interner interner) {
            int parsed = Interner.ipv4(metadata.address());
            if (parsed == -1 && !"255.255.255.255".equals(metadata.address())) {
                otherAddress = interner.intern(metadata.address() == null ? "" : metadata.address());
            } else {
                ipv4 = parsed;
            }
            userAgent = interner.intern(metadata.userAgent());
            facts = interner.intern(new Facts(metadata.method(), metadata.amr(), metadata.aal()));
            authTime = seconds(metadata.authTime());
            lastUsed = seconds(createdAt);
        }

        SessionMetadata metadata() {
            String address = otherAddress == null ? Interner.ipv4Text(ipv4)
                    : otherAddress.isEmpty() ? null : otherAddress;
            return new SessionMetadata(address, userAgent, facts.method(), facts.amr(), fromSeconds(authTime),
                    facts.aal());
        }

        LiveSession view() {
            Instant created = Instant.ofEpochMilli(createdAt);
            Instant used = fromSeconds(lastUsed);
            return new LiveSession(id(), owner.user, created, used.isBefore(created) ? created : used, metadata());
        }

        SessionId id() {
            byte[] key = new byte[16];
            for (int i = 0; i < 8; i++) {
                key[i] = (byte) (idHigh >>> (56 - 8 * i));
                key[8 + i] = (byte) (idLow >>> (56 - 8 * i));
            }
            return new SessionId(owner.user.value() + "." + ID_ENCODER.encodeToString(key));
        }

        /**
         * After a change of what a grant shows (epoch, authentication facts), under the monitor: the next check
         * builds a new grant. Grants are built under the monitor too, so none from before the change survives it.
         */
        void grantChanged(AccessIndex index) {
            Generation generation = current;
            if (generation != null) {
                generation.forget(index);
            }
            generation = previous;
            if (generation != null) {
                generation.forget(index);
            }
        }

        /** Lets the grants of access tokens that expired be collected (the purge calls it for live sessions). */
        void forgetExpiredGrants(long nowMillis, AccessIndex index) {
            Generation generation = current;
            if (generation != null && nowMillis >= generation.accessExpiresAt) {
                generation.forget(index);
            }
            generation = previous;
            if (generation != null && nowMillis >= generation.accessExpiresAt) {
                generation.forget(index);
            }
        }

        /** Under the monitor. */
        List<TokenHash> usedHistory() {
            return history == null ? List.of() : history.digests();
        }
    }

    /**
     * A ring of a session's last {@link #USED_HISTORY} rotated refresh digests, allocated at the first rotation so
     * that sessions that are never refreshed do not pay for it. Guarded by the family's monitor.
     */
    static final class History {
        private final TokenHash[] ring = new TokenHash[USED_HISTORY];
        private int count;

        /** Records a rotated digest; returns the one that fell out of the ring, if any. */
        TokenHash remember(TokenHash digest) {
            int index = count++ % USED_HISTORY;
            TokenHash evicted = ring[index];
            ring[index] = digest;
            return evicted;
        }

        /** The digest remembered last, or null. */
        TokenHash latest() {
            return count == 0 ? null : ring[(count - 1) % USED_HISTORY];
        }

        List<TokenHash> digests() {
            List<TokenHash> digests = new ArrayList<>(USED_HISTORY);
            for (TokenHash digest : ring) {
                if (digest != null) {
                    digests.add(digest);
                }
            }
            return digests;
        }
    }

    /**
     * What the access index holds for one live access token: a {@link Generation}, or a {@link CheckedPair} in its
     * place once a check remembered its answer. The digest's four words and the token's expiry are inline in both, so
     * that the index compares, and the check decides, without reading one more object.
     */
    abstract static sealed class AccessEntry implements Slot permits Generation, CheckedPair {
        final long a0;
        final long a1;
        final long a2;
        final long a3;
        final long accessExpiresAt;

        AccessEntry(long a0, long a1, long a2, long a3, long accessExpiresAt) {
            this.a0 = a0;
            this.a1 = a1;
            this.a2 = a2;
            this.a3 = a3;
            this.accessExpiresAt = accessExpiresAt;
        }

        /** The token pair this entry stands for. */
        abstract Generation pair();

        /** Whether this entry's access digest is {@code digest}, by {@link TokenHash#hasWords} (SR-03). */
        final boolean hasAccessHash(TokenHash digest) {
            return digest.hasWords(a0, a1, a2, a3);
        }

        final TokenHash accessHash() {
            return new TokenHash(a0, a1, a2, a3);
        }
    }

    /** One access/refresh pair of a session. Immutable but for the cached {@link #grant}. */
    static final class Generation extends AccessEntry {
        final Family family;
        final TokenHash refreshHash;
        final long refreshExpiresAt;
        /**
         * What a check of this pair returns, built at its first check and then reused, so that a check allocates
         * nothing here; null until then, and again after {@link Family#grantChanged} or once the purge saw the access
         * token expire. Written under the family's monitor, read without a lock.
         */
        volatile SessionGrant grant;

        Generation(Family family, TokenHash accessHash, long accessExpiresAt, TokenHash refreshHash,
                   long refreshExpiresAt) {
            super(accessHash.w0, accessHash.w1, accessHash.w2, accessHash.w3, accessExpiresAt);
            this.family = family;
            this.refreshHash = refreshHash;
            this.refreshExpiresAt = refreshExpiresAt;
        }

        @Override
        Generation pair() {
            return this;
        }

        boolean isCurrent() {
            return family.current == this;
        }

        /** Rotated out most recently, in a session that is still live. */
        boolean isPrevious() {
            return family.previous == this && family.current != null;
        }

        /** Nothing of this pair can be used any more: both tokens expired, or the session cap passed. */
        boolean isDead(long nowMillis) {
            return nowMillis >= family.endsAt
                    || (nowMillis >= accessExpiresAt && nowMillis >= refreshExpiresAt);
        }

        SessionGrant buildGrant() {
            return new SessionGrant(family.id(), family.owner.user, family.credentialEpoch,
                    Instant.ofEpochMilli(family.createdAt), family.meta, Instant.ofEpochMilli(accessExpiresAt),
                    instantOrNull(refreshExpiresAt), family.metadata());
        }

        /**
         * Drops the cached grant and, in {@code index}, the answer remembered from it: the next check builds both
         * again. The grant goes first, so that a check remembering an answer from it meanwhile is refused
         * ({@link AccessIndex#remember} compares the grants under the index's monitor, which this takes after).
         */
        void forget(AccessIndex index) {
            grant = null;
            index.forget(this);
        }

        @Override
        public SessionGrant grant() {
            return cachedGrant();
        }

        /** An unchecked pair has no answer to recall. */
        @Override
        public Object recall() {
            return FORGOTTEN;
        }

        /** The grant of the token check: the cached one, or one built (under the monitor, see {@link #grant}). */
        SessionGrant cachedGrant() {
            SessionGrant cached = grant;
            if (cached != null) {
                return cached;
            }
            synchronized (family) {
                cached = grant;
                if (cached == null) {
                    cached = buildGrant();
                    grant = cached;
                }
                return cached;
            }
        }
    }

    /**
     * A token pair as the index holds it once core's check remembered its answer ({@link MemoSlots}): the digest and
     * expiry inline, the answer and the grant and user record it was built from. Immutable. It takes its pair's place
     * in the index, so that a repeated check reads this object and the user's cell, and not the pair: one dependent
     * read of memory fewer per check, and this object is made right after the answer it holds
     * (docs/BENCHMARKS.md §20). The index holds it only while its pair holds {@link #grant} ({@link AccessIndex}).
     */
    static final class CheckedPair extends AccessEntry {
        private final Object answer;
        private final UserCells.Cell cell;
        private final UserRecord user;
        private final SessionGrant grant;
        private final Generation pair;

        CheckedPair(Generation pair, SessionGrant grant, UserCells.Cell cell, UserRecord user, Object answer) {
            super(pair.a0, pair.a1, pair.a2, pair.a3, pair.accessExpiresAt);
            this.answer = answer;
            this.cell = cell;
            this.user = user;
            this.grant = grant;
            this.pair = pair;
        }

        @Override
        Generation pair() {
            return pair;
        }

        /** The pair's grant, without reading the pair: it holds this one while the index holds this object. */
        @Override
        public SessionGrant grant() {
            return grant;
        }

        /** The answer while the user's cell still holds the record it was built from (the grant: see the class). */
        @Override
        public Object recall() {
            return cell.current() == user ? answer : FORGOTTEN;
        }
    }

    /** How a session was opened; few distinct values, so shared through the {@link Interner}. */
    record Facts(String method, List<String> amr, int aal) {
    }

    /** A rotated refresh token, as the refresh map keeps it. */
    interface Rotated {
        Rotation classify(Instant now);
    }

    /**
     * An older rotated refresh token: recognised as reuse, never answered with a pair. Immutable, 24 bytes instead
     * of the {@link Used} entry's sealed pair and successor generation.
     */
    static final class Stale implements Rotated {
        private static final byte[] NO_PAIR = new byte[0];
        final Family family;
        final long rotatedAt;

        Stale(Family family, long rotatedAt) {
            this.family = family;
            this.rotatedAt = rotatedAt;
        }

        @Override
        public Rotation classify(Instant now) {
            return new Rotation.AlreadyRotated(family.id(), Instant.ofEpochMilli(rotatedAt), NO_PAIR, Optional.empty());
        }
    }

    /** The refresh token rotated last: remembers when, and which generation replaced it. Immutable. */
    static final class Used implements Rotated {
        final Generation successor;
        final long rotatedAt;
        final byte[] sealedPair;

        Used(Generation successor, long rotatedAt, byte[] sealedPair) {
            this.successor = successor;
            this.rotatedAt = rotatedAt;
            this.sealedPair = sealedPair;
        }

        @Override
        public Rotation classify(Instant now) {
            Family family = successor.family;
            Optional<SessionGrant> live = successor.isCurrent() && !successor.isDead(now.toEpochMilli())
                    ? Optional.of(successor.buildGrant())
                    : Optional.empty();
            return new Rotation.AlreadyRotated(family.id(), Instant.ofEpochMilli(rotatedAt), sealedPair, live);
        }
    }

    /** The sessions of one user, in a list with O(1) add and remove (each family knows its slot). */
    static final class UserSessions {
        final UserId user;
        private Family[] families = new Family[2];
        private int size;
        private boolean retired;

        UserSessions(UserId user) {
            this.user = user;
        }

        /** Adds a session unless this list was retired; returns whether it was added. */
        synchronized boolean tryAdd(Family family) {
            if (retired) {
                return false;
            }
            if (size == families.length) {
                families = Arrays.copyOf(families, size * 2);
            }
            family.slot = size;
            families[size++] = family;
            return true;
        }

        /** Removes a session; if none is left, retires this list and returns true (the caller unmaps it). */
        synchronized boolean removeAndRetireIfEmpty(Family family) {
            int slot = family.slot;
            if (slot >= 0 && slot < size && families[slot] == family) {
                Family last = families[--size];
                families[slot] = last;
                last.slot = slot;
                families[size] = null;
                family.slot = -1;
            }
            if (size == 0 && !retired) {
                retired = true;
                return true;
            }
            return false;
        }

        synchronized Family find(long idHigh, long idLow) {
            for (int i = 0; i < size; i++) {
                if (families[i].idHigh == idHigh && families[i].idLow == idLow) {
                    return families[i];
                }
            }
            return null;
        }

        synchronized int size() {
            return size;
        }

        synchronized List<Family> snapshot() {
            return List.of(Arrays.copyOf(families, size));
        }

    }
}
