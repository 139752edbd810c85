package dev.accesspass.store;

import dev.accesspass.SessionId;
import dev.accesspass.UserId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Keeps sessions, their access and refresh tokens, one-time tokens and login-attempt counters: everything whose
 * loss or forgery would let someone in. Tokens are only ever seen here as {@link TokenHash} digests.
 *
 * <p>Every method is one business step that an implementation makes atomic in its own way (a compare-and-set on a
 * map entry, one {@code UPDATE … RETURNING}); callers never compose reads and writes into races. All methods are
 * thread-safe. Time is always passed in, never read from a clock of the store's own, so that issuing and checking
 * use one time source (SR-69) and tests can drive expiry. A store that cannot reach its backend throws
 * {@link dev.accesspass.StoreUnavailableException}; it never reports "not found" for a failure.
 *
 * <p>The conformance suite {@code TokenStoreContract} in the core test-jar is the executable form of this contract.
 */
public interface TokenStore extends AutoCloseable {

    /** The default store: lock-free reads from concurrent hash maps, lost on restart. */
    static TokenStore inMemory() {
        return new InMemoryTokenStore();
    }

    /** Stores a new session with its first token pair and returns the id the store gave it. */
    SessionId createSession(NewSession session);

    /**
     * The session an access token belongs to, if the token is live at {@code now}: known, not expired, its session
     * not revoked and not past its cap. Expired entries are rejected here even if not yet purged. The grant carries
     * the session's credential epoch; core compares it with the user record it reads anyway, so this stays a
     * single read (SR-71).
     */
    Optional<SessionGrant> findByAccessToken(TokenHash accessHash, Instant now);

    /**
     * Atomically uses up a refresh token and installs its successor. Exactly one of any number of concurrent calls
     * with the same live token gets {@link Rotation.Rotated}; the others see {@link Rotation.AlreadyRotated}. The
     * used token's digest stays, linked to its session, until the session ends, so that reuse is recognised. The
     * rotation fails ({@link Rotation.Rejected}) when the session was revoked in the meantime, so a refresh can
     * never revive a revoked session. The successor's expiries are clamped to the session's cap. A successful
     * rotation also sets the session's last-used time to {@code now}.
     */
    Rotation rotate(TokenHash presentedRefresh, Successor successor, Instant now);

    /**
     * Raises a live session's credential epoch to {@code credentialEpoch} (never lowers it): the session that changes
     * its user's password keeps working after the change advances the user's epoch. Thread-safe; atomic with respect
     * to rotation and revocation of that session.
     *
     * @return whether the session was live
     */
    boolean advanceSessionEpoch(SessionId session, long credentialEpoch);

    /**
     * Records a re-authentication in a live session ({@code POST /reauth}): its {@code amr} and {@code aal} become the
     * given values and its {@code auth_time} becomes {@code authTime}, never earlier than it was. Its tokens do not
     * change; the next token check of any of them sees the new values (a store that caches token checks drops the
     * session's entries, as for {@link #advanceSessionEpoch}).
     *
     * @return whether the session was live
     */
    boolean recordReauthentication(SessionId session, List<String> amr, int aal, Instant authTime);

    /**
     * The session a refresh token belongs to, if the token is live at {@code now}: known, not yet rotated, not
     * expired, its session not revoked and not past its cap. A read only; used by token revocation (RFC 7009), which
     * then revokes the session.
     */
    Optional<SessionId> findSessionByRefreshToken(TokenHash refreshHash, Instant now);

    /** Revokes one session: its live tokens stop working at once. Returns whether it was live. */
    boolean revokeSession(SessionId session);

    /**
     * Revokes one session only if it belongs to {@code owner}: the check and the revocation are one step, so an id
     * of another user's session changes nothing and answers exactly as an unknown id does ({@code false}). Any
     * string may be passed as the id (it comes from a URL); one this store never issued is simply not found.
     *
     * @return whether a live session of {@code owner} with that id was revoked
     */
    boolean revokeSession(UserId owner, SessionId session);

    /**
     * The live sessions of {@code user} at {@code now} (not revoked, not expired, not past their cap), newest first.
     * {@link LiveSession#lastUsedAt} is the creation time or the time of the latest rotation, whichever is later.
     */
    List<LiveSession> listSessions(UserId user, Instant now);

    /**
     * Revokes every session of {@code user} except {@code keep}, which may be {@code null}. Sessions created
     * concurrently with this call may or may not survive; sessions created afterwards do.
     *
     * @return how many sessions were revoked
     */
    int revokeUserSessions(UserId user, SessionId keep);

    /** Stores a one-time token. */
    void saveOneTimeToken(OneTimeToken token);

    /**
     * Atomically removes and returns a one-time token if it exists, has this purpose and is unexpired at
     * {@code now}. Of concurrent calls with one token, at most one gets it. A token of another purpose is left
     * untouched.
     */
    Optional<OneTimeToken> consumeOneTimeToken(TokenHash hash, TokenPurpose purpose, Instant now);

    /** Deletes every one-time token of {@code user} with this purpose; returns how many. */
    int deleteOneTimeTokens(UserId user, TokenPurpose purpose);

    /**
     * Counts one failed login for {@code key} in a fixed window of length {@code window} that starts at the first
     * failure; a failure after the window has ended starts a new one. Returns the count including this failure.
     */
    AttemptWindow recordFailedAttempt(String key, Instant now, Duration window);

    /** The failures counted for {@code key} in its current window (zero if the window has ended). */
    AttemptWindow failedAttempts(String key, Instant now);

    /** Forgets the failures of {@code key} (after a successful login or a password reset). */
    void clearFailedAttempts(String key);

    /**
     * Takes back one attempt counted by {@link #recordFailedAttempt} that turned out to succeed, in the same window
     * and never below zero (a window that has ended stays ended). Returns the count after the release.
     */
    AttemptWindow releaseAttempt(String key, Instant now);

    /** The most known devices a store keeps per user; saving one more forgets that user's oldest. */
    int KNOWN_DEVICES_PER_USER = 20;

    /**
     * Remembers a device cookie (its digest) as known to {@code user} until {@code expiresAt}. Keeps at most
     * {@link #KNOWN_DEVICES_PER_USER} per user, dropping the ones that expire first.
     */
    void saveKnownDevice(TokenHash digest, UserId user, Instant expiresAt);

    /** The user a device cookie digest is known to, if it has not expired at {@code now}. */
    Optional<UserId> findKnownDevice(TokenHash digest, Instant now);

    /**
     * Deletes what has expired at {@code now}: tokens, ended sessions with their used refresh tokens, one-time
     * tokens, finished attempt windows and expired known devices. Bounded work per call is allowed; returns how many entries went.
     */
    int purgeExpired(Instant now);

    /** Releases background threads and connections. Idempotent. */
    @Override
    default void close() {
    }
}
