package dev.accesspass;

import dev.accesspass.event.LogoutEvent;
import dev.accesspass.event.SecurityEvent;
import dev.accesspass.metrics.AuthMetrics;
import dev.accesspass.store.LiveSession;
import dev.accesspass.store.MemoSlots;
import dev.accesspass.store.NewSession;
import dev.accesspass.store.Rotation;
import dev.accesspass.store.SessionGrant;
import dev.accesspass.store.SessionMetadata;
import dev.accesspass.store.SessionUserLookup;
import dev.accesspass.store.Successor;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserCells;
import dev.accesspass.store.UserRecord;
import dev.accesspass.store.UserStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions and their tokens: issue, check, refresh (rotation with grace window and reuse detection), revoke.
 *
 * <p>Security notes. Tokens are hashed before any lookup, so the store sees digests only (SR-02). A refresh never
 * composes a read and a write: {@link TokenStore#rotate} is the one atomic step, and what it reports is then
 * classified here: a repeat of the just-rotated token inside {@code refresh-grace} gets the sealed successor back
 * (only if that successor is still the session's live pair), any other reuse revokes the session (SR-15, SR-16).
 *
 * <p>Credential epochs (SR-71). A login verifies a password against the hash it read and then opens a session; a
 * reset, change, OAuth takeover or logout-all that runs in between would otherwise revoke the sessions that exist
 * and miss the one about to be created. So every session carries the {@link UserRecord#credentialEpoch} that was
 * read together with the verified hash, every credential change advances the user's epoch (in the same atomic step
 * as the hash), and a session whose epoch is older than its user's is dead: at the token check (compared with the
 * user record the check reads anyway, so no extra round trip and no write), at rotation, and already at creation.
 * Thread-safe.
 */
final class Sessions {
    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);
    private static final String BAD_REFRESH = "The refresh token is invalid, expired or revoked.";
    private static final Set<String> STANDARD_FIELDS =
            Set.of("access_token", "token_type", "expires_in", "refresh_token", "refresh_expires_in", "user");

    private final TokenStore tokens;
    private final UserStore users;
    private final Clock clock;
    private final AccessPassConfig config;
    private final HookRunner hooks;
    private final SecurityLog security;
    /** {@link AuthMetrics#NOOP} without metrics: a final field, so the unused listener costs nothing. */
    private final AuthMetrics metrics;
    /** The token store's one-read check when it reads the users of this user store too, else null (two reads). */
    private final SessionUserLookup lookup;
    /**
     * With the in-memory stores: the token store's memo of answers and the users' cells, else both null. A repeated
     * check of an unchanged session and user then returns the answer built before ({@link MemoSlots.Slot#recall}).
     */
    private final MemoSlots slots;
    private final UserCells cells;

    Sessions(ServiceContext context) {
        this.tokens = context.tokens();
        this.users = context.users();
        this.clock = context.clock();
        this.config = context.config();
        this.hooks = context.hooks();
        this.security = context.security();
        this.metrics = security.metrics();
        this.lookup = tokens instanceof SessionUserLookup combined && combined.readsUsersOf(users) ? combined : null;
        MemoSlots memoSlots = tokens instanceof CircuitTokenStore circuited ? circuited.memoSlots()
                : tokens instanceof MemoSlots own ? own : null;
        UserCells userCells = users instanceof CircuitUserStore circuited ? circuited.userCells()
                : users instanceof UserCells own ? own : null;
        boolean memoised = lookup == null && memoSlots != null && userCells != null;
        this.slots = memoised ? memoSlots : null;
        this.cells = memoised ? userCells : null;
    }

    /**
     * Opens a session for a user and returns its first token pair. {@code user} must be the record as it was read
     * before its credential was checked: the session gets that record's credential epoch (SR-71).
     *
     * @throws AccessPassException {@code invalid_credentials} when the user's credentials changed (or the user went)
     *                             since that read; the session just made is revoked again
     */
    Issued open(UserRecord user, Map<String, String> meta, String method, ClientContext client) {
        return open(user, meta, method, client, List.of());
    }

    /**
     * As {@link #open(UserRecord, Map, String, ClientContext)}, after a second factor whose RFC 8176 values are
     * {@code secondFactor} ({@code otp}): the session then records those and {@code mfa} too, at level 2.
     */
    Issued open(UserRecord user, Map<String, String> meta, String method, ClientContext client,
                List<String> secondFactor) {
        Instant now = clock.instant();
        List<String> amr = new ArrayList<>(amr(method));
        int aal = 1;
        if (!secondFactor.isEmpty()) {
            amr.addAll(secondFactor);
            amr.add("mfa");
            aal = 2;
        }
        SessionMetadata metadata = SessionMetadata.of(client.address(), client.userAgent(), method, amr, now, aal);
        String access = Secrets.newToken();
        String refresh = Secrets.newToken();
        Instant endsAt = config.sessionMaxLifetime().isZero() ? null : now.plus(config.sessionMaxLifetime());
        SessionId id = tokens.createSession(new NewSession(user.id(), user.credentialEpoch(), now, endsAt, meta,
                TokenHash.of(access), now.plus(config.accessTokenTtl()),
                TokenHash.of(refresh), refreshExpiry(now), metadata));
        // Not needed for safety (the token check refuses a stale epoch anyway), but a client should not get a pair
        // that is dead on arrival: a reset or change that won the race means the password it typed is gone.
        Optional<UserRecord> afterwards = users.findById(user.id());
        if (afterwards.isEmpty() || !isCurrent(user.credentialEpoch(), afterwards.get())) {
            tokens.revokeSession(id);
            throw Accounts.invalidCredentials();
        }
        Instant accessExpiresAt = min(now.plus(config.accessTokenTtl()), endsAt);
        Instant refreshExpiresAt = refreshExpiry(now) == null ? endsAt : min(refreshExpiry(now), endsAt);
        return new Issued(id, now, access, accessExpiresAt, refresh, refreshExpiresAt);
    }

    /**
     * Checks an access token: of our shape, known, live, unexpired, and its user still exists. Roles come from the
     * user store on every call, so a role change applies to the next request (SR-13). A string that cannot be one
     * of our tokens never reaches the store (SR-05).
     */
    Optional<Authentication> authenticate(String accessToken) {
        Optional<Authentication> result;
        try {
            result = check(accessToken);
        } catch (StoreUnavailableException e) {
            metrics.tokenChecked(AuthMetrics.TokenCheck.STORE_UNAVAILABLE);
            throw e;
        }
        metrics.tokenChecked(result.isPresent() ? AuthMetrics.TokenCheck.VALID : AuthMetrics.TokenCheck.INVALID);
        return result;
    }

    private Optional<Authentication> check(String accessToken) {
        TokenHash accessHash = Secrets.digestIfToken(accessToken);
        if (accessHash == null) {
            return Optional.empty();
        }
        if (slots != null) {
            return memoised(accessHash, clock.millis());
        }
        if (lookup != null) {
            // One read instead of two (one round trip to a database); the same rules below.
            return lookup.findSessionAndUser(accessHash, clock.instant())
                    .filter(found -> isCurrent(found.grant().credentialEpoch(), found.user()))
                    .map(found -> Authentication.of(User.of(found.user()), found.grant()));
        }
        Optional<SessionGrant> grant = tokens.findByAccessToken(accessHash, clock.instant());
        if (grant.isEmpty()) {
            return Optional.empty();
        }
        // The user record is read anyway (fresh roles); its epoch decides whether a credential change ended this
        // session (SR-71), with no further store access. Straight-line code: no lambdas to allocate per request.
        SessionGrant session = grant.get();
        Optional<UserRecord> user = users.findById(session.user());
        if (user.isEmpty() || !isCurrent(session.credentialEpoch(), user.get())) {
            return Optional.empty();
        }
        return Optional.of(Authentication.of(User.of(user.get()), session));
    }

    /**
     * {@link #check} on the in-memory stores. The slot is found under exactly the rules of {@code findByAccessToken}
     * (so a revoked, rotated-out or expired pair has none), and the answer kept for it is used only while the pair's
     * grant and the user's cell hold the instances it was built from ({@link MemoSlots.Slot#recall}): a change of
     * epoch or authentication facts gives the pair a new grant, any change of the user (roles, epoch, deletion) a new
     * record or none, in the step that makes it, so the next check after it builds the answer again (SR-13, SR-71).
     * No lock here: the store keeps an answer only if the grant it was built from is still the pair's, and a record
     * that changed meanwhile fails the cell's identity test.
     */
    @SuppressWarnings("unchecked") // only this method remembers, and always an Optional<Authentication>
    private Optional<Authentication> memoised(TokenHash accessHash, long nowMillis) {
        MemoSlots.Slot slot = slots.findSlot(accessHash, nowMillis);
        if (slot == null) {
            return Optional.empty();
        }
        Object remembered = slot.recall();
        return remembered != MemoSlots.Slot.FORGOTTEN ? (Optional<Authentication>) remembered : answer(slot);
    }

    /**
     * The answer of {@link #memoised} when the slot has none to reuse, remembered for the next check. It is kept as
     * the {@code Optional} the check returns, so that a repeated check allocates no wrapper either.
     */
    private Optional<Authentication> answer(MemoSlots.Slot slot) {
        SessionGrant grant = slot.grant();
        UserCells.Cell cell = cells.cell(grant.user());
        UserRecord user = cell == null ? null : cell.current();
        if (user == null) {
            return Optional.empty();
        }
        Optional<Authentication> answer = isCurrent(grant.credentialEpoch(), user)
                ? Optional.of(Authentication.of(User.of(user), grant)) : Optional.empty();
        slots.remember(slot, grant, cell, user, answer);
        return answer;
    }

    /**
     * The RFC 8176 methods a way of opening a session proves. An OAuth login proves whatever the provider did,
     * which we are not told, so it claims none (RFC 8176 has no "federated" value); its {@code method}
     * ({@code oauth:<provider>}) says how it was opened. A session from the Java API proves nothing either.
     */
    static List<String> amr(String method) {
        return switch (method) {
            case "password", "register" -> List.of("pwd");
            default -> List.of();
        };
    }

    /** The user's live sessions, newest first (API.md §7 {@code GET /sessions}). */
    List<LiveSession> list(UserId user) {
        return tokens.listSessions(user, clock.instant());
    }

    /**
     * Ends one of {@code owner}'s sessions; an id of someone else's session is answered exactly like an unknown one.
     *
     * @return whether it was a live session of {@code owner}
     */
    boolean revokeOwned(UserId owner, SessionId session, SessionId askedBy) {
        boolean revoked = tokens.revokeSession(owner, session);
        if (revoked) {
            security.emit(SecurityEvent.Type.SESSION_REVOKED, owner, session, null,
                    askedBy == null ? Map.of() : Map.of("by_session", askedBy.value()));
        }
        return revoked;
    }

    /** {@code /logout-others}: every session of the caller's user but this one. */
    int logoutOthers(Authentication auth) {
        int revoked = revokeAll(auth.user().id(), auth.sessionId());
        security.emit(SecurityEvent.Type.ALL_SESSIONS_REVOKED, auth.user().id(), auth.sessionId(), null,
                Map.of("sessions", Integer.toString(revoked), "kept", "current"));
        return revoked;
    }

    /** A session opened at {@code sessionEpoch} is live only while no credential change of its user came after. */
    private static boolean isCurrent(long sessionEpoch, UserRecord user) {
        return sessionEpoch >= user.credentialEpoch();
    }

    /** Rotates a refresh token (API.md §1 "Refresh rotation"). */
    TokenResponse refresh(String refreshToken) {
        try {
            return rotate(refreshToken);
        } catch (AccessPassException e) {
            if (e.code() == ErrorCode.INVALID_GRANT && !(e instanceof ReuseRefused)) {
                metrics.refreshed(AuthMetrics.Refresh.INVALID);
            }
            throw e;
        }
    }

    private TokenResponse rotate(String refreshToken) {
        if (!Secrets.isToken(refreshToken)) {
            // Not one of ours by shape: refused before any store access, like an unknown token.
            throw new AccessPassException(ErrorCode.INVALID_GRANT, BAD_REFRESH);
        }
        Instant now = clock.instant();
        String access = Secrets.newToken();
        String refresh = Secrets.newToken();
        Successor successor = new Successor(TokenHash.of(access), now.plus(config.accessTokenTtl()),
                TokenHash.of(refresh), refreshExpiry(now), Secrets.seal(refreshToken, access, refresh));
        Rotation rotation = tokens.rotate(TokenHash.of(refreshToken), successor, now);
        if (rotation instanceof Rotation.Rotated rotated) {
            TokenResponse response = response(rotated.session(), access, refresh, now);
            metrics.refreshed(AuthMetrics.Refresh.ROTATED);
            return response;
        }
        if (rotation instanceof Rotation.AlreadyRotated used) {
            boolean inGrace = !config.refreshGrace().isZero()
                    && !now.isAfter(used.rotatedAt().plus(config.refreshGrace()));
            if (inGrace && used.liveSuccessor().isPresent()) {
                Optional<String[]> pair = Secrets.unseal(refreshToken, used.sealedPair());
                if (pair.isPresent()) {
                    // Two tabs refreshing together: the same successor pair, never a second one.
                    TokenResponse response = response(used.liveSuccessor().get(), pair.get()[0], pair.get()[1], now);
                    metrics.refreshed(AuthMetrics.Refresh.GRACE_REPEAT);
                    return response;
                }
            }
            // Reuse of a rotated-out token: the thief and the owner cannot be told apart, so end the session.
            tokens.revokeSession(used.session());
            security.emit(SecurityEvent.Type.REFRESH_REUSE_DETECTED, null, used.session(), null, Map.of());
            metrics.refreshed(AuthMetrics.Refresh.REUSE_DETECTED);
            // Counted once, as reuse, not again as an invalid grant.
            throw new ReuseRefused();
        }
        throw new AccessPassException(ErrorCode.INVALID_GRANT, BAD_REFRESH);
    }

    private TokenResponse response(SessionGrant session, String access, String refresh, Instant now) {
        UserRecord user = users.findById(session.user())
                // A session from before a credential change (SR-71) cannot be refreshed into a live pair.
                .filter(found -> isCurrent(session.credentialEpoch(), found))
                .orElseThrow(() -> {
                    // The user was deleted, or its credentials changed: the session is over; refuse the pair.
                    tokens.revokeSession(session.id());
                    return new AccessPassException(ErrorCode.INVALID_GRANT, BAD_REFRESH);
                });
        return tokenResponse(User.of(user), access, session.accessExpiresAt(), refresh, session.refreshExpiresAt(),
                now);
    }

    TokenResponse tokenResponse(User user, Issued issued) {
        // Relative to the moment of issue, so a fresh pair reports exactly the configured lifetimes.
        return tokenResponse(user, issued.accessToken(), issued.accessExpiresAt(), issued.refreshToken(),
                issued.refreshExpiresAt(), issued.issuedAt());
    }

    private TokenResponse tokenResponse(User user, String access, Instant accessExpiresAt, String refresh,
                                        Instant refreshExpiresAt, Instant now) {
        Map<String, Object> extra = Map.of();
        try {
            Map<String, Object> fromHook = hooks.hooks().loginResponse(user);
            if (fromHook != null) {
                extra = new LinkedHashMap<>(fromHook);
                extra.keySet().removeAll(STANDARD_FIELDS);
                extra.values().removeIf(Objects::isNull);
            }
        } catch (RuntimeException e) {
            LOG.error("hook loginResponse of {} failed; answering without its fields",
                    hooks.hooks().getClass().getName(), e);
        }
        Long refreshIn = refreshExpiresAt == null ? null : seconds(now, refreshExpiresAt);
        return new TokenResponse(access, seconds(now, accessExpiresAt), refresh, refreshIn, user, extra);
    }

    boolean revoke(SessionId session) {
        return tokens.revokeSession(session);
    }

    /**
     * RFC 7009 revocation: a live access or refresh token ends its session (both tokens die, on every instance, as
     * with a logout); anything else, a used or dead token included, changes nothing. {@code hint} only picks which
     * kind is looked up first (RFC 7009 §2.1: the search extends to the other kind).
     *
     * @return whether a session ended
     */
    boolean revokeByToken(String token, String hint) {
        if (!Secrets.isToken(token)) {
            return false; // not one of ours by shape: no store access at all
        }
        TokenHash hash = TokenHash.of(token);
        Instant now = clock.instant();
        Optional<SessionGrant> access = "refresh_token".equals(hint) ? Optional.empty()
                : tokens.findByAccessToken(hash, now);
        Optional<SessionId> session = access.map(SessionGrant::id)
                .or(() -> tokens.findSessionByRefreshToken(hash, now))
                .or(() -> "refresh_token".equals(hint)
                        ? tokens.findByAccessToken(hash, now).map(SessionGrant::id) : Optional.empty());
        if (session.isEmpty() || !tokens.revokeSession(session.get())) {
            return false;
        }
        UserId user = access.map(SessionGrant::user).orElse(null);
        security.emit(SecurityEvent.Type.SESSION_REVOKED, user, session.get(), null, Map.of("via", "revocation"));
        return true;
    }

    /** {@code /logout}: ends the caller's session, then tells the security log and the hooks. */
    void logout(Authentication auth) {
        if (revoke(auth.sessionId())) {
            security.emit(SecurityEvent.Type.SESSION_REVOKED, auth.user().id(), auth.sessionId(), null, Map.of());
            hooks.run("afterLogout", h -> h.afterLogout(new LogoutEvent(auth.user(), auth.sessionId(), false)));
        }
    }

    /** {@code /logout-all}: ends every session of the caller's user. */
    void logoutAll(Authentication auth) {
        revokeAllAnnounced(auth.user().id(), auth.sessionId());
        hooks.run("afterLogout", h -> h.afterLogout(new LogoutEvent(auth.user(), auth.sessionId(), true)));
    }

    /**
     * Ends every session of a user and logs it as one security event.
     *
     * @param askedBy the session that asked (logged only; it is revoked too), or null from the Java API
     * @return how many sessions ended
     */
    int revokeAllAnnounced(UserId user, SessionId askedBy) {
        // The epoch first: a login verified before this call whose session appears after the revocation is dead too.
        users.advanceCredentialEpoch(user);
        int revoked = revokeAll(user, null);
        security.emit(SecurityEvent.Type.ALL_SESSIONS_REVOKED, user, askedBy, null,
                Map.of("sessions", Integer.toString(revoked)));
        return revoked;
    }

    /**
     * Before a password change advances the user's epoch from {@code epochBefore}: moves the caller's session to the
     * epoch the change will create, so that it survives the change (API.md: every OTHER session is revoked).
     */
    void keepThroughCredentialChange(SessionId keep, long epochBefore) {
        tokens.advanceSessionEpoch(keep, epochBefore + 1);
    }

    int revokeAll(UserId user, SessionId keep) {
        return tokens.revokeUserSessions(user, keep);
    }

    private Instant refreshExpiry(Instant now) {
        return config.refreshTokenTtl().isZero() ? null : now.plus(config.refreshTokenTtl());
    }

    private static Instant min(Instant a, Instant b) {
        return b == null || a.isBefore(b) ? a : b;
    }

    private static long seconds(Instant now, Instant until) {
        return Math.max(0, Duration.between(now, until).toSeconds());
    }

    /** The refusal of a detected reuse: the same answer as any invalid grant, counted apart by the metrics. */
    private static final class ReuseRefused extends AccessPassException {
        private static final long serialVersionUID = 1L;

        ReuseRefused() {
            super(ErrorCode.INVALID_GRANT, BAD_REFRESH);
        }
    }

    /** A token pair just minted, with its session. */
    record Issued(SessionId sessionId, Instant issuedAt, String accessToken, Instant accessExpiresAt, String refreshToken,
                  Instant refreshExpiresAt) {
        @Override
        public String toString() {
            return "Issued[" + sessionId + "]";
        }
    }
}
