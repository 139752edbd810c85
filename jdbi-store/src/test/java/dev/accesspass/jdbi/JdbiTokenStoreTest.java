package dev.accesspass.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.UserId;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.TokenStoreContract;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JDBI token store against the shared contract on a real PostgreSQL, plus its own row-level promises. */
class JdbiTokenStoreTest extends TokenStoreContract {
    @RegisterExtension
    static final EmbeddedDatabase POSTGRES = new EmbeddedDatabase();

    @Override
    protected TokenStore newStore() {
        Database database = POSTGRES.emptiedRacingPool();
        return new JdbiTokenStore(database, null, () -> { });
    }

    @Override
    protected Optional<List<byte[]>> storedSecretMaterial(TokenStore store) {
        List<byte[]> keys = new ArrayList<>();
        try (Connection connection = POSTGRES.connect(); Statement statement = connection.createStatement()) {
            for (String query : List.of("SELECT token_hash FROM accesspass_access_tokens",
                    "SELECT token_hash FROM accesspass_refresh_tokens",
                    "SELECT successor_hash FROM accesspass_refresh_tokens WHERE successor_hash IS NOT NULL",
                    "SELECT token_hash FROM accesspass_one_time_tokens")) {
                try (ResultSet rows = statement.executeQuery(query)) {
                    while (rows.next()) {
                        keys.add(rows.getBytes(1));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return Optional.of(keys);
    }

    @Test
    void sr14_rotatedRefreshRowIsFlaggedUsedAndKeepsSessionSuccessorAndSealedPair() throws SQLException {
        Opened session = open(new UserId("alice"));
        Minted next = mint(T0.plusSeconds(5));
        rotated(store().rotate(TokenHash.of(session.refresh()), next.successor(), T0.plusSeconds(5)));

        try (Connection connection = POSTGRES.connect();
             var query = connection.prepareStatement("SELECT session_id::text, used_at, successor_hash, "
                     + "sealed_successor FROM accesspass_refresh_tokens WHERE token_hash = ?")) {
            query.setBytes(1, TokenHash.of(session.refresh()).bytes());
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString(1)).isEqualTo(session.id().value());
                assertThat(row.getObject(2)).isNotNull();
                assertThat(row.getBytes(3)).isEqualTo(TokenHash.of(next.refresh()).bytes());
                assertThat(row.getBytes(4)).isEqualTo(next.successor().sealedPair());
            }
            query.setBytes(1, TokenHash.of(next.refresh()).bytes());
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString(1)).isEqualTo(session.id().value());
                assertThat(row.getObject(2)).isNull();
            }
        }
    }

    @Test
    void malformedSessionIdsAreNotRevokedAndDoNotFail() {
        assertThat(store().revokeSession(new dev.accesspass.SessionId("alice.1"))).isFalse();
        assertThat(store().revokeUserSessions(new UserId("alice"), new dev.accesspass.SessionId("x")))
                .isZero();
    }

    @Test
    void sr73_onePurgeKeepsUpWithABacklogOfExpiredOAuthStates() throws SQLException {
        // 25 000 expired states: more than the 10 000 rows a purge call removed before; at 4 300 starts a second
        // (what one connection managed) a minute makes ten times that, which the time-budgeted purge also clears.
        int backlog = 25_000;
        try (Connection connection = POSTGRES.connect(); Statement statement = connection.createStatement()) {
            statement.execute("""
                    INSERT INTO accesspass_one_time_tokens (token_hash, purpose, user_id, expires_at, payload)
                    SELECT sha256(int4send(n)), 'OAUTH_STATE', NULL, TIMESTAMPTZ '2030-01-01 00:00:00+00', 'v1'
                    FROM generate_series(1, %d) AS n""".formatted(backlog));
        }
        long started = System.nanoTime();
        int purged = store().purgeExpired(T0.plusSeconds(1));
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(purged).as("purged in one call (%d ms)", millis).isEqualTo(backlog);
        try (Connection connection = POSTGRES.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM accesspass_one_time_tokens")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getInt(1)).isZero();
        }
    }
}
