package dev.accesspass;

import dev.accesspass.store.AttemptWindow;
import dev.accesspass.store.LiveSession;
import dev.accesspass.store.MemoSlots;
import dev.accesspass.store.NewSession;
import dev.accesspass.store.OneTimeToken;
import dev.accesspass.store.Rotation;
import dev.accesspass.store.SessionGrant;
import dev.accesspass.store.SessionUserLookup;
import dev.accesspass.store.Successor;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenPurpose;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserCells;
import dev.accesspass.store.UserRecord;
import dev.accesspass.store.UserStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A {@link TokenStore} behind the {@link StoreCircuit}: every method of the SPI goes through it (a new SPI method must
 * be added here too), and so does the combined check of a store that offers {@link SessionUserLookup}. Thread-safe as
 * the store it wraps.
 */
final class CircuitTokenStore implements TokenStore, SessionUserLookup {
    private final TokenStore store;
    private final StoreCircuit circuit;

    CircuitTokenStore(TokenStore store, StoreCircuit circuit) {
        this.store = store;
        this.circuit = circuit;
    }


    @Override
    public SessionId createSession(NewSession session) {
        return circuit.call("createSession", () -> store.createSession(session));
    }

    @Override
    public Optional<SessionGrant> findByAccessToken(TokenHash accessHash, Instant now) {
        if (circuit.closed()) {
            // The per-request check: straight to the store while the circuit is closed (see StoreCircuit.closed).
            try {
                return store.findByAccessToken(accessHash, now);
            } catch (StoreUnavailableException e) {
                circuit.failed("findByAccessToken");
                throw e;
            }
        }
        return circuit.call("findByAccessToken", () -> store.findByAccessToken(accessHash, now));
    }

    /** The wrapped store's {@link MemoSlots} behind this circuit, as {@link #findByAccessToken}; null without. */
    MemoSlots memoSlots() {
        if (!(store instanceof MemoSlots slots)) {
            return null;
        }
        return new MemoSlots() {
            @Override
            public Slot findSlot(TokenHash accessHash, long nowMillis) {
                if (circuit.closed()) {
                    try {
                        return slots.findSlot(accessHash, nowMillis);
                    } catch (StoreUnavailableException e) {
                        circuit.failed("findByAccessToken");
                        throw e;
                    }
                }
                return circuit.call("findByAccessToken", () -> slots.findSlot(accessHash, nowMillis));
            }

            /** Not a store call the circuit guards: it only keeps an object in memory, and cannot fail. */
            @Override
            public void remember(Slot slot, SessionGrant builtFrom, UserCells.Cell cell, UserRecord user,
                                 Object answer) {
                slots.remember(slot, builtFrom, cell, user, answer);
            }
        };
    }

    @Override
    public boolean readsUsersOf(UserStore users) {
        UserStore inner = users instanceof CircuitUserStore circuited ? circuited.store() : users;
        return store instanceof SessionUserLookup lookup && lookup.readsUsersOf(inner);
    }

    /** Only called when {@link #readsUsersOf} said yes, so the wrapped store is a {@link SessionUserLookup}. */
    @Override
    public Optional<Match> findSessionAndUser(TokenHash accessHash, Instant now) {
        SessionUserLookup lookup = (SessionUserLookup) store;
        if (circuit.closed()) {
            // The per-request check, as findByAccessToken.
            try {
                return lookup.findSessionAndUser(accessHash, now);
            } catch (StoreUnavailableException e) {
                circuit.failed("findSessionAndUser");
                throw e;
            }
        }
        return circuit.call("findSessionAndUser", () -> lookup.findSessionAndUser(accessHash, now));
    }

    @Override
    public Rotation rotate(TokenHash presentedRefresh, Successor successor, Instant now) {
        return circuit.call("rotate", () -> store.rotate(presentedRefresh, successor, now));
    }

    @Override
    public boolean advanceSessionEpoch(SessionId session, long credentialEpoch) {
        return circuit.call("advanceSessionEpoch", () -> store.advanceSessionEpoch(session, credentialEpoch));
    }

    @Override
    public boolean recordReauthentication(SessionId session, List<String> amr, int aal, Instant authTime) {
        return circuit.call("recordReauthentication",
                () -> store.recordReauthentication(session, amr, aal, authTime));
    }

    @Override
    public Optional<SessionId> findSessionByRefreshToken(TokenHash refreshHash, Instant now) {
        return circuit.call("findSessionByRefreshToken", () -> store.findSessionByRefreshToken(refreshHash, now));
    }

    @Override
    public boolean revokeSession(SessionId session) {
        return circuit.call("revokeSession", () -> store.revokeSession(session));
    }

    @Override
    public boolean revokeSession(UserId owner, SessionId session) {
        return circuit.call("revokeSession", () -> store.revokeSession(owner, session));
    }

    @Override
    public List<LiveSession> listSessions(UserId user, Instant now) {
        return circuit.call("listSessions", () -> store.listSessions(user, now));
    }

    @Override
    public int revokeUserSessions(UserId user, SessionId keep) {
        return circuit.call("revokeUserSessions", () -> store.revokeUserSessions(user, keep));
    }

    @Override
    public void saveOneTimeToken(OneTimeToken token) {
        circuit.run("saveOneTimeToken", () -> store.saveOneTimeToken(token));
    }

    @Override
    public Optional<OneTimeToken> consumeOneTimeToken(TokenHash hash, TokenPurpose purpose, Instant now) {
        return circuit.call("consumeOneTimeToken", () -> store.consumeOneTimeToken(hash, purpose, now));
    }

    @Override
    public int deleteOneTimeTokens(UserId user, TokenPurpose purpose) {
        return circuit.call("deleteOneTimeTokens", () -> store.deleteOneTimeTokens(user, purpose));
    }

    @Override
    public AttemptWindow recordFailedAttempt(String key, Instant now, Duration window) {
        return circuit.call("recordFailedAttempt", () -> store.recordFailedAttempt(key, now, window));
    }

    @Override
    public AttemptWindow failedAttempts(String key, Instant now) {
        return circuit.call("failedAttempts", () -> store.failedAttempts(key, now));
    }

    @Override
    public void clearFailedAttempts(String key) {
        circuit.run("clearFailedAttempts", () -> store.clearFailedAttempts(key));
    }

    @Override
    public AttemptWindow releaseAttempt(String key, Instant now) {
        return circuit.call("releaseAttempt", () -> store.releaseAttempt(key, now));
    }

    @Override
    public void saveKnownDevice(TokenHash digest, UserId user, Instant expiresAt) {
        circuit.run("saveKnownDevice", () -> store.saveKnownDevice(digest, user, expiresAt));
    }

    @Override
    public Optional<UserId> findKnownDevice(TokenHash digest, Instant now) {
        return circuit.call("findKnownDevice", () -> store.findKnownDevice(digest, now));
    }

    @Override
    public int purgeExpired(Instant now) {
        return circuit.call("purgeExpired", () -> store.purgeExpired(now));
    }

    @Override
    public void close() {
        store.close();
    }

    @Override
    public String toString() {
        return store.toString();
    }
}
