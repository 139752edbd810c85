package dev.accesspass.jdbi;

import dev.accesspass.AccessPassConfig;
import dev.accesspass.CredentialChangeRaceContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SR-71 races on the JDBI stores and a real PostgreSQL. */
class JdbiCredentialChangeRaceTest extends CredentialChangeRaceContract {
    @RegisterExtension
    static final EmbeddedDatabase POSTGRES = new EmbeddedDatabase();

    @Override
    protected AccessPassConfig.Builder config() {
        return POSTGRES.config().set("jdbc-pool-size", "12");
    }

    @Override
    protected int rounds() {
        return 25;
    }
}
