package dev.accesspass.servlet.testing;

import java.util.List;
import dev.accesspass.store.LiveSession;
import dev.accesspass.SessionId;
import dev.accesspass.UserId;
import dev.accesspass.store.AttemptWindow;
import dev.accesspass.store.NewSession;
import dev.accesspass.store.OneTimeToken;
import dev.accesspass.store.Rotation;
import dev.accesspass.store.SessionGrant;
import dev.accesspass.store.Successor;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenPurpose;
import dev.accesspass.store.TokenStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A {@link TokenStore} decorator that counts calls per method and throws
 * {@link dev.accesspass.StoreUnavailableException} on demand (see {@link StoreFaults}). Delegates every method.
 * Thread-safe if the delegate is.
 */
public final class InstrumentedTokenStore implements TokenStore {
    private final TokenStore delegate;
    private final StoreFaults faults = new StoreFaults();

    public InstrumentedTokenStore(TokenStore delegate) {
        this.delegate = delegate;
    }

    /** Around a fresh in-memory store. */
    public static InstrumentedTokenStore inMemory() {
        return new InstrumentedTokenStore(TokenStore.inMemory());
    }

    public StoreFaults faults() {
        return faults;
    }

    @Override
    public SessionId createSession(NewSession session) {
        return faults.call("createSession", () -> delegate.createSession(session));
    }

    @Override
    public Optional<SessionGrant> findByAccessToken(TokenHash accessHash, Instant now) {
        return faults.call("findByAccessToken", () -> delegate.findByAccessToken(accessHash, now));
    }

    @Override
    public Rotation rotate(TokenHash presentedRefresh, Successor successor, Instant now) {
        return faults.call("rotate", () -> delegate.rotate(presentedRefresh, successor, now));
    }

    @Override
    public boolean advanceSessionEpoch(SessionId session, long credentialEpoch) {
        return faults.call("advanceSessionEpoch", () -> delegate.advanceSessionEpoch(session, credentialEpoch));
    }

    @Override
    public boolean recordReauthentication(SessionId session, List<String> amr, int aal, Instant authTime) {
        return faults.call("recordReauthentication",
                () -> delegate.recordReauthentication(session, amr, aal, authTime));
    }

    @Override
    public Optional<SessionId> findSessionByRefreshToken(TokenHash refreshHash, Instant now) {
        return faults.call("findSessionByRefreshToken", () -> delegate.findSessionByRefreshToken(refreshHash, now));
    }

    @Override
    public boolean revokeSession(SessionId session) {
        return faults.call("revokeSession", () -> delegate.revokeSession(session));
    }

    @Override
    public boolean revokeSession(UserId owner, SessionId session) {
        return faults.call("revokeSession", () -> delegate.revokeSession(owner, session));
    }

    @Override
    public List<LiveSession> listSessions(UserId user, Instant now) {
        return faults.call("listSessions", () -> delegate.listSessions(user, now));
    }

    @Override
    public int revokeUserSessions(UserId user, SessionId keep) {
        return faults.call("revokeUserSessions", () -> delegate.revokeUserSessions(user, keep));
    }

    @Override
    public void saveOneTimeToken(OneTimeToken token) {
        faults.run("saveOneTimeToken", () -> delegate.saveOneTimeToken(token));
    }

    @Override
    public Optional<OneTimeToken> consumeOneTimeToken(TokenHash hash, TokenPurpose purpose, Instant now) {
        return faults.call("consumeOneTimeToken", () -> delegate.consumeOneTimeToken(hash, purpose, now));
    }

    @Override
    public int deleteOneTimeTokens(UserId user, TokenPurpose purpose) {
        return faults.call("deleteOneTimeTokens", () -> delegate.deleteOneTimeTokens(user, purpose));
    }

    @Override
    public AttemptWindow recordFailedAttempt(String key, Instant now, Duration window) {
        return faults.call("recordFailedAttempt", () -> delegate.recordFailedAttempt(key, now, window));
    }

    @Override
    public AttemptWindow failedAttempts(String key, Instant now) {
        return faults.call("failedAttempts", () -> delegate.failedAttempts(key, now));
    }

    @Override
    public void clearFailedAttempts(String key) {
        faults.run("clearFailedAttempts", () -> delegate.clearFailedAttempts(key));
    }

    @Override
    public AttemptWindow releaseAttempt(String key, Instant now) {
        return faults.call("releaseAttempt", () -> delegate.releaseAttempt(key, now));
    }

    @Override
    public void saveKnownDevice(TokenHash digest, UserId user, Instant expiresAt) {
        faults.run("saveKnownDevice", () -> delegate.saveKnownDevice(digest, user, expiresAt));
    }

    @Override
    public Optional<UserId> findKnownDevice(TokenHash digest, Instant now) {
        return faults.call("findKnownDevice", () -> delegate.findKnownDevice(digest, now));
    }

    @Override
    public int purgeExpired(Instant now) {
        return faults.call("purgeExpired", () -> delegate.purgeExpired(now));
    }

    @Override
    public void close() {
        delegate.close();
    }
}
