package dev.accesspass.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.UserId;
import dev.accesspass.store.UserStore;
import dev.accesspass.store.UserStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JDBI user store against the shared contract on a real PostgreSQL. */
class JdbiUserStoreTest extends UserStoreContract {
    @RegisterExtension
    static final EmbeddedDatabase POSTGRES = new EmbeddedDatabase();
    private static Database database;

    @BeforeAll
    static void openDatabase() {
        // The contract's races release up to 32 threads at once: give each its own connection, so a loaded CI
        // machine measures the store's atomicity, not the pool's 2 s wait (which is fail-closed by design).
        database = Database.open(POSTGRES.config().set("jdbc-pool-size", "40").build());
    }

    @AfterAll
    static void closeDatabase() {
        database.close();
    }

    @Override
    protected UserStore newStore() {
        POSTGRES.truncate();
        return new JdbiUserStore(database, () -> { });
    }

    @Test
    void idsThatAreNotOursFindNothingAndChangeNothing() {
        UserId foreign = new UserId("alice.1");
        assertThat(store().findById(foreign)).isEmpty();
        assertThat(store().setEmailConfirmed(foreign, true)).isFalse();
        assertThat(store().updatePasswordHash(foreign, null, "x")).isFalse();
        assertThat(store().delete(foreign)).isFalse();
    }
}
