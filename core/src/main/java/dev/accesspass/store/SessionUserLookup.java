package dev.accesspass.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An optional capability of a {@link TokenStore} that keeps its sessions in the same database as the users of a
 * {@link UserStore}: the two reads of a token check ({@link TokenStore#findByAccessToken}, then
 * {@link UserStore#findById} for fresh roles) as one read, so a check costs one round trip instead of two. Core uses
 * it only when {@link #readsUsersOf} says so for the user store it was given; otherwise (and for every store that
 * does not implement it, such as the in-memory ones) it makes the two calls.
 *
 * <p>The answers must be exactly those of the two calls at the same moment: empty when the token is unknown, expired,
 * its session revoked or past its cap, or its user gone; otherwise the grant and the user record as
 * {@code findByAccessToken} and {@code findById} would return them. Core still compares the credential epochs
 * (SR-71), so the look-up must not filter on them. A read only: nothing is written. Thread-safe. The conformance suite
 * {@code SessionUserLookupContract} in the core test-jar is the executable form of this contract.
 */
public interface SessionUserLookup {

    /**
     * Whether {@link #findSessionAndUser} reads its users from {@code users}, so that its answers are those of
     * {@code users.findById}. A store answers {@code false} for a user store of another database.
     */
    boolean readsUsersOf(UserStore users);

    /** The live session of an access token and its user, in one read, or empty (see the class comment). */
    Optional<Match> findSessionAndUser(TokenHash accessHash, Instant now);

    /** The session an access token grants and its user as the user store has it now. */
    record Match(SessionGrant grant, UserRecord user) {
        public Match {
            Objects.requireNonNull(grant, "grant");
            Objects.requireNonNull(user, "user");
            if (!grant.user().equals(user.id())) {
                throw new IllegalArgumentException("the user is not the session's");
            }
        }
    }
}
