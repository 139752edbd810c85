package dev.accesspass.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The memory store against the shared contract, and its {@link UserCells}. */
class InMemoryUserStoreTest extends UserStoreContract {

    @Override
    protected UserStore newStore() {
        return UserStore.inMemory();
    }

    /** The cell is the token check memo's test of "is this record still the user's": every change must show. */
    @Test
    void aUsersCellHoldsTheRecordAfterEveryChangeAndNothingOnceTheUserIsDeleted() {
        UserStore users = UserStore.inMemory();
        UserRecord created = users.create(new NewUser("alice", "alice@example.org", false, "hash", Set.of("user"),
                Instant.parse("2030-01-01T00:00:00Z")));
        UserCells.Cell cell = ((UserCells) users).cell(created.id());
        assertThat(cell.current()).isSameAs(created);

        UserRecord withRole = users.updateRoles(created.id(), Set.of("admin"), Set.of()).orElseThrow();
        assertThat(cell.current()).isSameAs(withRole).isSameAs(users.findById(created.id()).orElseThrow());
        users.setEmailConfirmed(created.id(), true);
        assertThat(cell.current().emailConfirmed()).isTrue();
        users.advanceCredentialEpoch(created.id());
        assertThat(cell.current().credentialEpoch()).isEqualTo(1);
        users.updatePasswordHash(created.id(), "hash", "other");
        assertThat(cell.current().credentialEpoch()).isEqualTo(2);
        users.linkIdentity(created.id(), new Identity("github", "42", Map.of(), Instant.parse("2030-01-01T00:00:00Z")));
        assertThat(cell.current().identities()).hasSize(1);
        UserRecord unchanged = cell.current();
        assertThat(users.updatePasswordHash(created.id(), "not the hash", "x")).isFalse();
        assertThat(cell.current()).as("a refused change keeps the record").isSameAs(unchanged);
        assertThat(((UserCells) users).cell(created.id())).as("one cell for the user's life").isSameAs(cell);

        assertThat(users.delete(created.id())).isTrue();
        assertThat(cell.current()).isNull();
        assertThat(((UserCells) users).cell(created.id())).isNull();
    }
}
