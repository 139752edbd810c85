package dev.accesspass;

import java.util.List;
import dev.accesspass.store.LiveSession;
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

/** The in-memory store whose {@code createSession} can be made to fail, as a backend outage would; tests may override a method to count calls. Thread-safe. */
class FlakyTokenStore implements TokenStore {
    private final TokenStore delegate = TokenStore.inMemory();
    volatile boolean failCreateSession;

    @Override
    public SessionId createSession(NewSession session) {
        if (failCreateSession) {
            throw new StoreUnavailableException("test: createSession fails", null);
        }
        return delegate.createSession(session);
    }

    @Override
    public Optional<SessionGrant> findByAccessToken(TokenHash accessHash, Instant now) {
        return delegate.findByAccessToken(accessHash, now);
    }

    @Override
    public Rotation rotate(TokenHash presentedRefresh, Successor successor, Instant now) {
        return delegate.rotate(presentedRefresh, successor, now);
    }

    @Override
    public boolean advanceSessionEpoch(SessionId session, long credentialEpoch) {
        return delegate.advanceSessionEpoch(session, credentialEpoch);
    }

    @Override
    public boolean recordReauthentication(SessionId session, List<String> amr, int aal, Instant authTime) {
        return delegate.recordReauthentication(session, amr, aal, authTime);
    }

    @Override
    public Optional<SessionId> findSessionByRefreshToken(TokenHash refreshHash, Instant now) {
        return delegate.findSessionByRefreshToken(refreshHash, now);
    }

    @Override
    public boolean revokeSession(SessionId session) {
        return delegate.revokeSession(session);
    }

    @Override
    public boolean revokeSession(UserId owner, SessionId session) {
        return delegate.revokeSession(owner, session);
    }

    @Override
    public List<LiveSession> listSessions(UserId user, Instant now) {
        return delegate.listSessions(user, now);
    }

    @Override
    public int revokeUserSessions(UserId user, SessionId keep) {
        return delegate.revokeUserSessions(user, keep);
    }

    @Override
    public void saveOneTimeToken(OneTimeToken token) {
        delegate.saveOneTimeToken(token);
    }

    @Override
    public Optional<OneTimeToken> consumeOneTimeToken(TokenHash hash, TokenPurpose purpose, Instant now) {
        return delegate.consumeOneTimeToken(hash, purpose, now);
    }

    @Override
    public int deleteOneTimeTokens(UserId user, TokenPurpose purpose) {
        return delegate.deleteOneTimeTokens(user, purpose);
    }

    @Override
    public AttemptWindow recordFailedAttempt(String key, Instant now, Duration window) {
        return delegate.recordFailedAttempt(key, now, window);
    }

    @Override
    public AttemptWindow failedAttempts(String key, Instant now) {
        return delegate.failedAttempts(key, now);
    }

    @Override
    public void clearFailedAttempts(String key) {
        delegate.clearFailedAttempts(key);
    }

    @Override
    public AttemptWindow releaseAttempt(String key, Instant now) {
        return delegate.releaseAttempt(key, now);
    }

    @Override
    public void saveKnownDevice(TokenHash digest, UserId user, Instant expiresAt) {
        delegate.saveKnownDevice(digest, user, expiresAt);
    }

    @Override
    public Optional<UserId> findKnownDevice(TokenHash digest, Instant now) {
        return delegate.findKnownDevice(digest, now);
    }

    @Override
    public int purgeExpired(Instant now) {
        return delegate.purgeExpired(now);
    }
}
