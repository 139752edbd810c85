package dev.accesspass.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.UserId;
import dev.accesspass.store.UserStore;
import dev.accesspass.store.UserStoreContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JDBI user store against the shared contract on a real PostgreSQL. */
class JdbiUserStoreTest extends UserStoreContract {
    @RegisterExtension
    static final EmbeddedDatabase POSTGRES = new EmbeddedDatabase();

    @Override
    protected UserStore newStore() {
        Database database = POSTGRES.emptiedRacingPool();
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
