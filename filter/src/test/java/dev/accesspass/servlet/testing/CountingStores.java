package dev.accesspass.servlet.testing;

import dev.accesspass.store.AttemptWindow;
import dev.accesspass.store.Identity;
import dev.accesspass.store.NewSession;
import dev.accesspass.store.NewUser;
import dev.accesspass.store.OneTimeToken;
import dev.accesspass.store.Rotation;
import dev.accesspass.store.SessionGrant;
import dev.accesspass.store.SessionId;
import dev.accesspass.store.Successor;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenPurpose;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserId;
import dev.accesspass.store.UserRecord;
import dev.accesspass.store.UserStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-memory stores, counting users and sessions created and identities linked, so a test can assert that a
 * refused request created nothing. Thread-safe.
 */
public final class CountingStores {
    public final AtomicInteger usersCreated = new AtomicInteger();
    public final AtomicInteger sessionsCreated = new AtomicInteger();
    public final AtomicInteger identitiesLinked = new AtomicInteger();
    private final TokenStore tokens;
    private final UserStore users;

    public CountingStores() {
        TokenStore tokenDelegate = TokenStore.inMemory();
        UserStore userDelegate = UserStore.inMemory();
        this.tokens = new Tokens(tokenDelegate);
        this.users = new Users(userDelegate);
    }

    public TokenStore tokens() {
        return tokens;
    }

    public UserStore users() {
        return users;
    }

    /** Users created plus sessions created plus identities linked: one number that must not move on a refusal. */
    public int writes() {
        return usersCreated.get() + sessionsCreated.get() + identitiesLinked.get();
    }

    private final class Tokens implements TokenStore {
        private final TokenStore delegate;

        Tokens(TokenStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public SessionId createSession(NewSession session) {
            sessionsCreated.incrementAndGet();
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
        public boolean revokeSession(SessionId session) {
            return delegate.revokeSession(session);
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
        public int purgeExpired(Instant now) {
            return delegate.purgeExpired(now);
        }
    }

    private final class Users implements UserStore {
        private final UserStore delegate;

        Users(UserStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public UserRecord create(NewUser user) {
            UserRecord created = delegate.create(user);
            usersCreated.incrementAndGet();
            return created;
        }

        @Override
        public Optional<UserRecord> findById(UserId id) {
            return delegate.findById(id);
        }

        @Override
        public Optional<UserRecord> findByUsername(String username) {
            return delegate.findByUsername(username);
        }

        @Override
        public Optional<UserRecord> findByEmail(String email) {
            return delegate.findByEmail(email);
        }

        @Override
        public Optional<UserRecord> findByIdentity(String provider, String subject) {
            return delegate.findByIdentity(provider, subject);
        }

        @Override
        public boolean updatePasswordHash(UserId id, String expectedHash, String newHash) {
            return delegate.updatePasswordHash(id, expectedHash, newHash);
        }

        @Override
        public boolean setEmailConfirmed(UserId id, boolean confirmed) {
            return delegate.setEmailConfirmed(id, confirmed);
        }

        @Override
        public Optional<UserRecord> updateRoles(UserId id, Set<String> add, Set<String> remove) {
            return delegate.updateRoles(id, add, remove);
        }

        @Override
        public boolean linkIdentity(UserId id, Identity identity) {
            identitiesLinked.incrementAndGet();
            return delegate.linkIdentity(id, identity);
        }

        @Override
        public boolean delete(UserId id) {
            return delegate.delete(id);
        }
    }
}
