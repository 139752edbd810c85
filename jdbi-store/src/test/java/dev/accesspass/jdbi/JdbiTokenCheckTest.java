package dev.accesspass.jdbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.accesspass.AccessPass;
import dev.accesspass.AccessPassConfig;
import dev.accesspass.Authentication;
import dev.accesspass.StoreUnavailableException;
import dev.accesspass.TokenResponse;
import dev.accesspass.UserId;
import dev.accesspass.servlet.testing.InstrumentedTokenStore;
import dev.accesspass.store.StoreProvider;
import dev.accesspass.testing.Await;
import dev.accesspass.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The token check on the PostgreSQL stores through {@link AccessPass}: one statement per check, counted at the JDBC
 * boundary of a real pool on a real database, and every refusal of the two-read check kept by the one-read one.
 */
class JdbiTokenCheckTest {
    @RegisterExtension
    static final EmbeddedDatabase POSTGRES = new EmbeddedDatabase();
    private static final String PASSWORD = "correct horse battery staple 9";
    private static final int CHECKS = 50;

    private static HikariDataSource pool;
    private static CountingDataSource counting;
    private static StoreProvider.Stores stores;
    private static MutableClock clock;
    private static AccessPass accessPass;
    private static int users;

    @BeforeAll
    static void open() {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(POSTGRES.jdbcUrl());
        hikari.setUsername("postgres");
        hikari.setMaximumPoolSize(4);
        hikari.setConnectionTimeout(2000);
        hikari.setInitializationFailTimeout(-1);
        pool = new HikariDataSource(hikari);
        counting = new CountingDataSource(pool);
        AccessPassConfig config = AccessPassConfig.builder().build();
        stores = JdbiStoreProvider.open(config, counting);
        clock = new MutableClock(Instant.now());
        accessPass = AccessPass.builder(config).clock(clock).stores(stores.tokens(), stores.users()).build();
    }

    @AfterAll
    static void close() {
        accessPass.close();
        stores.close();
        pool.close();
    }

    @BeforeEach
    void resetCounts() {
        counting.reset();
    }

    private static TokenResponse register() {
        String name = "checked" + (++users);
        TokenResponse tokens = accessPass.register(name, name + "@example.com", PASSWORD, PASSWORD, "192.0.2.7")
                .orElseThrow();
        counting.reset();
        return tokens;
    }

    @Test
    void eachCheckIsOneSelectOnOneConnectionAndNoTransaction() {
        String access = register().accessToken();

        for (int i = 0; i < CHECKS; i++) {
            assertThat(accessPass.authenticate(access)).isPresent();
        }

        assertThat(counting.executed()).hasSize(CHECKS).allSatisfy(sql -> assertThat(sql.strip()).startsWith("SELECT"));
        assertThat(counting.executed()).containsOnly(counting.executed().get(0));
        assertThat(counting.connections()).isEqualTo(CHECKS);
        assertThat(counting.endsOfTransaction()).isZero();
    }

    @Test
    void theSameStoresBehindADecoratorFallBackToTwoStatementsPerCheck() {
        // A wrapper that does not offer the one-read check hides it: the two calls, counted by the same counter.
        try (AccessPass wrapped = AccessPass.builder(AccessPassConfig.builder().build()).clock(clock)
                .stores(new InstrumentedTokenStore(stores.tokens()), stores.users()).build()) {
            String access = register().accessToken();
            for (int i = 0; i < CHECKS; i++) {
                assertThat(wrapped.authenticate(access)).isPresent();
            }
            assertThat(counting.executed()).hasSize(2 * CHECKS);
            assertThat(counting.connections()).isEqualTo(2 * CHECKS);
        }
    }

    @Test
    void sr05_aStringThatIsNotOneOfOurTokensNeverReachesTheDatabase() {
        assertThat(accessPass.authenticate("not-a-token")).isEmpty();
        assertThat(counting.executed()).isEmpty();
        assertThat(accessPass.authenticate("A".repeat(43))).isEmpty();
        assertThat(counting.executed()).hasSize(1);
    }

    @Test
    void sr13_rolesAreReadOnEveryCheck() {
        TokenResponse tokens = register();
        UserId id = tokens.user().id();
        assertThat(accessPass.authenticate(tokens.accessToken()).orElseThrow().user().roles()).doesNotContain("editor");

        accessPass.grantRole(id, "editor");
        assertThat(accessPass.authenticate(tokens.accessToken()).orElseThrow().user().roles()).contains("editor");
        accessPass.revokeRole(id, "editor");
        assertThat(accessPass.authenticate(tokens.accessToken()).orElseThrow().user().roles()).doesNotContain("editor");
    }

    @Test
    void anExpiredAccessTokenIsRefused() {
        String access = register().accessToken();
        Instant start = clock.instant();
        try {
            clock.advance(accessPass.config().accessTokenTtl().minusSeconds(1));
            assertThat(accessPass.authenticate(access)).isPresent();
            clock.advance(Duration.ofSeconds(1));
            assertThat(accessPass.authenticate(access)).isEmpty();
        } finally {
            clock.set(start);
        }
    }

    @Test
    void aLoggedOutSessionIsRefused() {
        String access = register().accessToken();
        Authentication auth = accessPass.authenticate(access).orElseThrow();
        accessPass.logout(auth);
        assertThat(accessPass.authenticate(access)).isEmpty();
    }

    @Test
    void everySessionIsRefusedAfterALogoutEverywhere() {
        TokenResponse first = register();
        TokenResponse second = accessPass.login(first.user().username(), PASSWORD, "192.0.2.7");
        accessPass.logoutAll(accessPass.authenticate(first.accessToken()).orElseThrow());
        assertThat(accessPass.authenticate(first.accessToken())).isEmpty();
        assertThat(accessPass.authenticate(second.accessToken())).isEmpty();
    }

    @Test
    void sr71_aSessionOlderThanItsUsersCredentialEpochIsRefused() {
        // The session row stays; only the epoch comparison of the one-read check can refuse it.
        String access = register().accessToken();
        UserId id = accessPass.authenticate(access).orElseThrow().user().id();
        assertThat(stores.users().advanceCredentialEpoch(id)).isTrue();
        assertThat(accessPass.authenticate(access)).isEmpty();
    }

    @Test
    void sr71_aPasswordChangeEndsTheOtherSessionsAndKeepsTheChangingOne() {
        TokenResponse changing = register();
        TokenResponse other = accessPass.login(changing.user().username(), PASSWORD, "192.0.2.7");
        String newPassword = "another horse battery staple 7";
        accessPass.changePassword(accessPass.authenticate(changing.accessToken()).orElseThrow(), PASSWORD,
                newPassword, newPassword, "192.0.2.7");
        assertThat(accessPass.authenticate(changing.accessToken())).isPresent();
        assertThat(accessPass.authenticate(other.accessToken())).isEmpty();
    }

    @Test
    void aDeletedUsersTokensAreRefused() {
        TokenResponse tokens = register();
        assertThat(accessPass.deleteUser(tokens.user().id())).isTrue();
        assertThat(accessPass.authenticate(tokens.accessToken())).isEmpty();
    }

    @Test
    void sr65_aDatabaseThatIsDownFailsTheCheckClosedAndItWorksAgainWhenItIsBack() {
        String access = register().accessToken();
        POSTGRES.stop();
        try {
            assertThatThrownBy(() -> accessPass.authenticate(access)).isInstanceOf(StoreUnavailableException.class);
            // The circuit is open now: the next check fails at once too, never as "not found".
            assertThatThrownBy(() -> accessPass.authenticate(access)).isInstanceOf(StoreUnavailableException.class);
        } finally {
            POSTGRES.start();
        }
        Await.until("the check works again", () -> {
            try {
                return accessPass.authenticate(access).isPresent();
            } catch (StoreUnavailableException e) {
                return false;
            }
        });
    }
}
