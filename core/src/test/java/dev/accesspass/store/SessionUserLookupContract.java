package dev.accesspass.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.SessionId;
import dev.accesspass.UserId;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite of {@link SessionUserLookup}: every case compares the one-read check with the two calls it
 * replaces ({@link TokenStore#findByAccessToken}, then {@link UserStore#findById}) on the same stores at the same
 * moment, and states the outcome the token check depends on. A store that implements the interface extends this
 * class; {@link #newStores()} runs before every test, and the stores are closed after it.
 */
public abstract class SessionUserLookupContract {
    protected static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration ACCESS_TTL = Duration.ofMinutes(15);
    private static final Duration REFRESH_TTL = Duration.ofDays(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    private TokenStore tokens;
    private UserStore users;
    private SessionUserLookup lookup;

    /** A token store that implements {@link SessionUserLookup}, and the user store it reads users of; both empty. */
    protected abstract StoreProvider.Stores newStores();

    @BeforeEach
    final void openStores() {
        StoreProvider.Stores stores = newStores();
        tokens = stores.tokens();
        users = stores.users();
        assertThat(tokens).isInstanceOf(SessionUserLookup.class);
        lookup = (SessionUserLookup) tokens;
    }

    @AfterEach
    final void closeStores() {
        new StoreProvider.Stores(tokens, users).close();
    }

    @Test
    void readsTheUsersOfItsOwnUserStoreOnly() {
        assertThat(lookup.readsUsersOf(users)).isTrue();
        assertThat(lookup.readsUsersOf(UserStore.inMemory())).isFalse();
    }

    @Test
    void aLiveTokenGivesItsGrantAndItsUser() {
        UserRecord alice = user("alice", Set.of("user", "admin"));
        String access = open(alice, 0, null);

        SessionUserLookup.Match match = sameAsTwoCalls(access, T0.plusSeconds(1)).orElseThrow();
        assertThat(match.user().id()).isEqualTo(alice.id());
        assertThat(match.user().roles()).isEqualTo(Set.of("user", "admin"));
        assertThat(match.grant().user()).isEqualTo(alice.id());
        assertThat(match.grant().meta()).isEqualTo(Map.of("device", "laptop"));
    }

    @Test
    void anUnknownTokenGivesNothing() {
        user("bob", Set.of());
        assertThat(sameAsTwoCalls(newToken(), T0)).isEmpty();
    }

    @Test
    void anExpiredAccessTokenGivesNothing() {
        String access = open(user("carol", Set.of()), 0, null);
        assertThat(sameAsTwoCalls(access, T0.plus(ACCESS_TTL).minusSeconds(1))).isPresent();
        assertThat(sameAsTwoCalls(access, T0.plus(ACCESS_TTL))).isEmpty();
    }

    @Test
    void aSessionPastItsCapGivesNothing() {
        String access = open(user("dave", Set.of()), 0, T0.plusSeconds(60));
        assertThat(sameAsTwoCalls(access, T0.plusSeconds(59))).isPresent();
        assertThat(sameAsTwoCalls(access, T0.plusSeconds(60))).isEmpty();
    }

    @Test
    void aRevokedSessionGivesNothing() {
        UserRecord erin = user("erin", Set.of());
        String access = open(erin, 0, null);
        SessionId session = tokens.findByAccessToken(TokenHash.of(access), T0).orElseThrow().id();
        assertThat(tokens.revokeSession(session)).isTrue();
        assertThat(sameAsTwoCalls(access, T0.plusSeconds(1))).isEmpty();
    }

    @Test
    void aLogoutEverywhereGivesNothing() {
        UserRecord frank = user("frank", Set.of());
        String first = open(frank, 0, null);
        String second = open(frank, 0, null);
        assertThat(tokens.revokeUserSessions(frank.id(), null)).isEqualTo(2);
        assertThat(sameAsTwoCalls(first, T0.plusSeconds(1))).isEmpty();
        assertThat(sameAsTwoCalls(second, T0.plusSeconds(1))).isEmpty();
    }

    @Test
    void aRotatedAwayAccessTokenGivesNothingAndItsSuccessorItsSession() {
        UserRecord grace = user("grace", Set.of());
        String access = newToken();
        String refresh = newToken();
        tokens.createSession(new NewSession(grace.id(), 0, T0, null, Map.of(), TokenHash.of(access),
                T0.plus(ACCESS_TTL), TokenHash.of(refresh), T0.plus(REFRESH_TTL)));
        String secondAccess = newToken();
        String secondRefresh = newToken();
        rotate(refresh, secondAccess, secondRefresh, T0.plusSeconds(10));
        String thirdAccess = newToken();
        rotate(secondRefresh, thirdAccess, newToken(), T0.plusSeconds(20));

        // The parent's access token may stay until it expires; the one before it is gone.
        assertThat(sameAsTwoCalls(access, T0.plusSeconds(21))).isEmpty();
        assertThat(sameAsTwoCalls(thirdAccess, T0.plusSeconds(21))).isPresent();
        sameAsTwoCalls(secondAccess, T0.plusSeconds(21));
    }

    @Test
    void aDeletedUserGivesNothing() {
        UserRecord heidi = user("heidi", Set.of());
        String access = open(heidi, 0, null);
        assertThat(users.delete(heidi.id())).isTrue();
        assertThat(sameAsTwoCalls(access, T0.plusSeconds(1))).isEmpty();
    }

    @Test
    void aSessionOfAUserTheUserStoreDoesNotKnowGivesNothing() {
        String unknownUuid = open(new UserId("00000000-0000-4000-8000-000000000001"), 0);
        String notAnIdOfOurs = open(new UserId("alice"), 0);
        String upperCase = open(new UserId("0000000A-0000-4000-8000-000000000001"), 0);
        assertThat(sameAsTwoCalls(unknownUuid, T0)).isEmpty();
        assertThat(sameAsTwoCalls(notAnIdOfOurs, T0)).isEmpty();
        assertThat(sameAsTwoCalls(upperCase, T0)).isEmpty();
    }

    @Test
    void sr71_aPasswordChangeShowsTheUsersNewEpochSoTheCheckRefusesTheOlderSession() {
        UserRecord ivan = user("ivan", Set.of());
        String access = open(ivan, ivan.credentialEpoch(), null);
        assertThat(users.updatePasswordHash(ivan.id(), ivan.passwordHash(), "$argon2id$v=19$m=16,t=2,p=1$bmV3$bmV3"))
                .isTrue();

        SessionUserLookup.Match match = sameAsTwoCalls(access, T0.plusSeconds(1)).orElseThrow();
        // The look-up does not filter on epochs (core compares them); it must show the raised one, never a stale one.
        assertThat(match.user().credentialEpoch()).isGreaterThan(match.grant().credentialEpoch());
    }

    @Test
    void sr13_rolesAreTheUserStoresOfThisMoment() {
        UserRecord judy = user("judy", Set.of("user"));
        String access = open(judy, 0, null);
        assertThat(sameAsTwoCalls(access, T0).orElseThrow().user().roles()).isEqualTo(Set.of("user"));

        users.updateRoles(judy.id(), Set.of("admin"), Set.of("user"));
        assertThat(sameAsTwoCalls(access, T0.plusSeconds(1)).orElseThrow().user().roles()).isEqualTo(Set.of("admin"));
    }

    @Test
    void linkedIdentitiesComeWithTheUser() {
        UserRecord kim = user("kim", Set.of());
        String access = open(kim, 0, null);
        assertThat(users.linkIdentity(kim.id(), new Identity("github", "42", Map.of("login", "kim"),
                T0.plusSeconds(3)))).isTrue();

        SessionUserLookup.Match match = sameAsTwoCalls(access, T0.plusSeconds(5)).orElseThrow();
        assertThat(match.user().identities()).extracting(Identity::provider).containsExactly("github");
    }

    @Test
    void theCheckWritesNothing() {
        UserRecord liz = user("liz", Set.of());
        String access = open(liz, 0, null);
        List<LiveSession> before = tokens.listSessions(liz.id(), T0);
        for (int i = 1; i <= 3; i++) {
            assertThat(lookup.findSessionAndUser(TokenHash.of(access), T0.plusSeconds(i))).isPresent();
        }
        assertThat(tokens.listSessions(liz.id(), T0)).isEqualTo(before);
    }

    /**
     * The one-read answer, asserted equal to the two calls' answer just before and just after it (nothing changes the
     * stores in between).
     */
    private Optional<SessionUserLookup.Match> sameAsTwoCalls(String access, Instant now) {
        Optional<SessionUserLookup.Match> before = twoCalls(access, now);
        Optional<SessionUserLookup.Match> combined = lookup.findSessionAndUser(TokenHash.of(access), now);
        assertThat(combined).as("one read against two calls").isEqualTo(before).isEqualTo(twoCalls(access, now));
        return combined;
    }

    private Optional<SessionUserLookup.Match> twoCalls(String access, Instant now) {
        return tokens.findByAccessToken(TokenHash.of(access), now).flatMap(grant -> users.findById(grant.user())
                .map(user -> new SessionUserLookup.Match(grant, user)));
    }

    private UserRecord user(String name, Set<String> roles) {
        return users.create(new NewUser(name, name + "@example.com", true,
                "$argon2id$v=19$m=16,t=2,p=1$c2FsdA$aGFzaA", roles, T0));
    }

    private String open(UserRecord user, long epoch, Instant endsAt) {
        String access = newToken();
        tokens.createSession(new NewSession(user.id(), epoch, T0, endsAt, Map.of("device", "laptop"),
                TokenHash.of(access), T0.plus(ACCESS_TTL), TokenHash.of(newToken()), T0.plus(REFRESH_TTL),
                SessionMetadata.of("192.0.2.1", "test agent", "password", List.of("pwd"), T0, 1)));
        return access;
    }

    private String open(UserId user, long epoch) {
        String access = newToken();
        tokens.createSession(new NewSession(user, epoch, T0, null, Map.of(), TokenHash.of(access),
                T0.plus(ACCESS_TTL), TokenHash.of(newToken()), T0.plus(REFRESH_TTL)));
        return access;
    }

    private void rotate(String refresh, String nextAccess, String nextRefresh, Instant now) {
        Rotation rotation = tokens.rotate(TokenHash.of(refresh), new Successor(TokenHash.of(nextAccess),
                now.plus(ACCESS_TTL), TokenHash.of(nextRefresh), now.plus(REFRESH_TTL), new byte[60]), now);
        assertThat(rotation).isInstanceOf(Rotation.Rotated.class);
    }

    private static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
