package dev.accesspass.store;

import dev.accesspass.ErrorCode;
import dev.accesspass.UserId;
import dev.accesspass.testing.Race;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The {@link UserStore} contract as tests: every store, built in or third party, must pass all of them.
 *
 * <p>How to use it from a store module (depend on {@code accesspass-core} with {@code <type>test-jar</type>} in
 * test scope):
 * <pre>{@code
 * class JdbiUserStoreTest extends UserStoreContract {
 *     @Override
 *     protected UserStore newStore() {
 *         truncateUserTables();             // each test needs an EMPTY store
 *         return new JdbiUserStore(jdbi);
 *     }
 * }
 * }</pre>
 * {@link #newStore()} is called before every test; the store is closed after it, then {@link #cleanUp} runs. The
 * concurrency test releases 20 threads from one latch with bounded waits, so a deadlock fails instead of hanging.
 */
public abstract class UserStoreContract {
    protected static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final String HASH = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";
    private static final String OTHER_HASH = "$argon2id$v=19$m=19456,t=2,p=1$b3RoZXJzYWx0$b3RoZXJoYXNob3RoZXI";
    private static final int RACERS = 20;

    private UserStore store;

    /** A new, empty store; called once before every test. */
    protected abstract UserStore newStore();

    /** Runs after the store was closed; override to release what {@link #newStore()} set up. */
    protected void cleanUp(UserStore store) {
    }

    /** The store under test. */
    protected final UserStore store() {
        return store;
    }

    @BeforeEach
    public final void openStore() {
        store = newStore();
    }

    @AfterEach
    public final void closeStore() {
        try {
            store.close();
        } finally {
            cleanUp(store);
        }
    }

    // ----------------------------------------------------------------------------------------- create, find

    @Test
    public void createAssignsAnIdAndReturnsTheRecord() {
        UserRecord alice = store.create(new NewUser("Alice", "Alice@Example.com", false, HASH, Set.of("user"), T0));
        UserRecord bob = store.create(newUser("bob"));

        assertThat(alice.id()).isNotNull();
        assertThat(alice.id()).isNotEqualTo(bob.id());
        assertThat(alice.username()).isEqualTo("Alice");
        assertThat(alice.email()).isEqualTo("Alice@Example.com");
        assertThat(alice.emailConfirmed()).isFalse();
        assertThat(alice.passwordHash()).isEqualTo(HASH);
        assertThat(alice.roles()).containsExactly("user");
        assertThat(alice.createdAt()).isEqualTo(T0);
        assertThat(alice.identities()).isEmpty();
        assertThat(store.findById(alice.id())).hasValue(alice);
    }

    @Test
    public void userWithoutPasswordIsKeptWithoutOne() {
        UserRecord created = store.create(new NewUser("carol", "carol@example.com", true, null, Set.of(), T0));

        UserRecord found = store.findById(created.id()).orElseThrow();
        assertThat(found.password()).isEmpty();
        assertThat(found.emailConfirmed()).isTrue();
        assertThat(found.roles()).isEmpty();
    }

    @Test
    public void sr76_usersWithoutAnEmailReserveNoAddress() {
        UserRecord first = store.create(new NewUser("noemail1", null, false, null, Set.of(), T0));
        UserRecord second = store.create(new NewUser("noemail2", null, false, null, Set.of(), T0));

        assertThat(first.email()).isNull();
        assertThat(store.findById(second.id()).orElseThrow().email()).isNull();
        assertThat(store.findByEmail(null)).isEmpty();
        assertThat(store.findByUsername("noemail1").orElseThrow().id()).isEqualTo(first.id());
        // Every address stays free for its owner.
        UserRecord owner = store.create(new NewUser("owner", "owner@example.com", false, HASH, Set.of(), T0));
        assertThat(store.findByEmail("owner@example.com").orElseThrow().id()).isEqualTo(owner.id());
        assertThat(store.delete(first.id())).isTrue();
        assertThat(store.findById(second.id())).isPresent();
    }

    @Test
    public void sr64_findsByUsernameRegardlessOfCaseAndWidth() {
        UserRecord alice = store.create(newUser("alice"));

        assertThat(store.findByUsername("alice")).hasValue(alice);
        assertThat(store.findByUsername("ALICE")).hasValue(alice);
        assertThat(store.findByUsername("aLiCe")).hasValue(alice);
        assertThat(store.findByUsername("\uFF41\uFF4C\uFF49\uFF43\uFF45")).as("full-width ａｌｉｃｅ").hasValue(alice);
    }

    @Test
    public void sr64_findsByEmailRegardlessOfCase() {
        UserRecord alice = store.create(newUser("alice"));

        assertThat(store.findByEmail("alice@example.com")).hasValue(alice);
        assertThat(store.findByEmail("ALICE@EXAMPLE.COM")).hasValue(alice);
        assertThat(store.findByEmail("Alice@Example.Com")).hasValue(alice);
    }

    @Test
    public void findByReturnsEmptyForUnknown() {
        UserRecord alice = store.create(newUser("alice"));
        store.linkIdentity(alice.id(), identity("github", "1"));

        assertThat(store.findById(new UserId("no-such-user"))).isEmpty();
        assertThat(store.findByUsername("bob")).isEmpty();
        assertThat(store.findByEmail("bob@example.com")).isEmpty();
        assertThat(store.findByIdentity("github", "2")).isEmpty();
        assertThat(store.findByIdentity("google", "1")).isEmpty();
    }

    // ------------------------------------------------------------------------------------------- uniqueness

    @Test
    public void sr64_duplicateUsernameInAnyCaseOrWidthIsTaken() {
        store.create(newUser("alice"));

        assertDuplicate(() -> store.create(new NewUser("ALICE", "other@example.com", false, HASH, Set.of(), T0)),
                ErrorCode.USERNAME_TAKEN);
        assertDuplicate(() -> store.create(new NewUser("\uFF41\uFF4C\uFF49\uFF43\uFF45", "other@example.com", false,
                HASH, Set.of(), T0)), ErrorCode.USERNAME_TAKEN);
        assertThat(store.findByEmail("other@example.com")).isEmpty();
    }

    @Test
    public void sr64_duplicateEmailInAnyCaseIsTaken() {
        store.create(newUser("alice"));

        assertDuplicate(() -> store.create(new NewUser("bob", "ALICE@example.COM", false, HASH, Set.of(), T0)),
                ErrorCode.EMAIL_TAKEN);
    }

    @Test
    public void usernameIsCheckedBeforeEmail() {
        store.create(newUser("alice"));

        assertDuplicate(() -> store.create(new NewUser("Alice", "alice@example.com", false, HASH, Set.of(), T0)),
                ErrorCode.USERNAME_TAKEN);
    }

    @Test
    public void failedEmailClaimLeavesTheUsernameFree() {
        store.create(newUser("alice"));
        assertDuplicate(() -> store.create(new NewUser("bob", "alice@example.com", false, HASH, Set.of(), T0)),
                ErrorCode.EMAIL_TAKEN);

        assertThat(store.findByUsername("bob")).isEmpty();
        UserRecord bob = store.create(newUser("bob"));
        assertThat(store.findByUsername("bob")).hasValue(bob);
    }

    @Test
    public void sr68_concurrentRegistrationsOfOneUsernameHaveExactlyOneWinner() throws Exception {
        try (Race race = new Race(RACERS)) {
            for (int round = 0; round < 10; round++) {
                String username = "racer" + round;
                List<Object> outcomes = race.run(i -> () -> {
                    try {
                        return store.create(new NewUser(i % 2 == 0 ? username : username.toUpperCase(),
                                username + "." + i + "@example.com", false, HASH, Set.of(), T0));
                    } catch (DuplicateUserException e) {
                        return e.code();
                    }
                });

                List<UserRecord> winners = new ArrayList<>();
                List<Object> losers = new ArrayList<>();
                for (Object outcome : outcomes) {
                    if (outcome instanceof UserRecord created) {
                        winners.add(created);
                    } else {
                        losers.add(outcome);
                    }
                }
                assertThat(winners).as("round %d: winners", round).hasSize(1);
                assertThat(losers).as("round %d: losers", round).hasSize(RACERS - 1)
                        .containsOnly(ErrorCode.USERNAME_TAKEN);
                assertThat(store.findByUsername(username)).hasValue(winners.get(0));
                // The losers' emails were not claimed, not even left behind half-way.
                for (int i = 0; i < RACERS; i++) {
                    String email = username + "." + i + "@example.com";
                    if (!email.equals(winners.get(0).email())) {
                        assertThat(store.findByEmail(email)).as("round %d: %s", round, email).isEmpty();
                    }
                }
            }
        }
    }

    @Test
    public void sr68_concurrentRegistrationsOfOneEmailHaveExactlyOneWinner() throws Exception {
        try (Race race = new Race(RACERS)) {
            List<Object> outcomes = race.run(i -> () -> {
                try {
                    return store.create(new NewUser("user" + i, "same@example.com", false, HASH, Set.of(), T0));
                } catch (DuplicateUserException e) {
                    return e.code();
                }
            });

            assertThat(outcomes).filteredOn(UserRecord.class::isInstance).hasSize(1);
            assertThat(outcomes).filteredOn(outcome -> !(outcome instanceof UserRecord))
                    .hasSize(RACERS - 1).containsOnly(ErrorCode.EMAIL_TAKEN);
            UserRecord winner = (UserRecord) outcomes.stream().filter(UserRecord.class::isInstance).findFirst()
                    .orElseThrow();
            // Every loser gave its username back.
            for (int i = 0; i < RACERS; i++) {
                String username = "user" + i;
                if (!username.equals(winner.username())) {
                    assertThat(store.findByUsername(username)).isEmpty();
                    assertThat(store.create(new NewUser(username, username + "@example.com", false, HASH, Set.of(),
                            T0)).username()).isEqualTo(username);
                }
            }
        }
    }

    // -------------------------------------------------------------------------------------------- passwords

    @Test
    public void updatePasswordHashReplacesTheHash() {
        UserRecord alice = store.create(newUser("alice"));

        assertThat(store.updatePasswordHash(alice.id(), null, OTHER_HASH)).isTrue();

        assertThat(store.findById(alice.id()).orElseThrow().passwordHash()).isEqualTo(OTHER_HASH);
        assertThat(store.updatePasswordHash(new UserId("no-such-user"), null, OTHER_HASH)).isFalse();
    }

    @Test
    public void updatePasswordHashWithExpectedHashIsACompareAndSet() {
        UserRecord alice = store.create(newUser("alice"));

        assertThat(store.updatePasswordHash(alice.id(), OTHER_HASH, "$argon2id$changed")).isFalse();
        assertThat(store.findById(alice.id()).orElseThrow().passwordHash()).isEqualTo(HASH);

        assertThat(store.updatePasswordHash(alice.id(), HASH, OTHER_HASH)).isTrue();
        assertThat(store.findById(alice.id()).orElseThrow().passwordHash()).isEqualTo(OTHER_HASH);
        assertThat(store.updatePasswordHash(new UserId("no-such-user"), HASH, OTHER_HASH)).isFalse();
    }

    @Test
    public void updatePasswordHashToNullRemovesThePassword() {
        UserRecord alice = store.create(newUser("alice"));

        assertThat(store.updatePasswordHash(alice.id(), null, null)).isTrue();

        UserRecord found = store.findById(alice.id()).orElseThrow();
        assertThat(found.password()).isEmpty();
        // A user without a password cannot match any expected hash.
        assertThat(store.updatePasswordHash(alice.id(), HASH, OTHER_HASH)).isFalse();
        assertThat(store.findById(alice.id()).orElseThrow().password()).isEmpty();
    }

    @Test
    public void concurrentCompareAndSetOfThePasswordHasExactlyOneWinner() throws Exception {
        UserRecord alice = store.create(newUser("alice"));
        try (Race race = new Race(RACERS)) {
            List<Boolean> outcomes =
                    race.run(i -> () -> store.updatePasswordHash(alice.id(), HASH, "$argon2id$new-" + i));

            assertThat(outcomes).filteredOn(Boolean::booleanValue).hasSize(1);
            int winner = outcomes.indexOf(true);
            assertThat(store.findById(alice.id()).orElseThrow().passwordHash()).isEqualTo("$argon2id$new-" + winner);
        }
    }

    // ------------------------------------------------------------------------------------ flags and roles

    @Test
    public void setEmailConfirmedSetsAndClearsTheFlag() {
        UserRecord alice = store.create(newUser("alice"));

        assertThat(store.setEmailConfirmed(alice.id(), true)).isTrue();
        assertThat(store.findById(alice.id()).orElseThrow().emailConfirmed()).isTrue();
        assertThat(store.setEmailConfirmed(alice.id(), false)).isTrue();
        assertThat(store.findById(alice.id()).orElseThrow().emailConfirmed()).isFalse();
        assertThat(store.setEmailConfirmed(new UserId("no-such-user"), true)).isFalse();
    }

    @Test
    public void sr13_updateRolesAddsAndRemovesInOneStep() {
        UserRecord alice = store.create(new NewUser("alice", "alice@example.com", false, HASH,
                Set.of("user", "editor"), T0));

        UserRecord updated = store.updateRoles(alice.id(), Set.of("admin"), Set.of("editor", "never-had"))
                .orElseThrow();

        assertThat(updated.roles()).containsExactlyInAnyOrder("user", "admin");
        assertThat(store.findById(alice.id()).orElseThrow().roles()).containsExactlyInAnyOrder("user", "admin");
        assertThat(store.updateRoles(alice.id(), Set.of(), Set.of()).orElseThrow().roles())
                .containsExactlyInAnyOrder("user", "admin");
    }

    @Test
    public void sr13_updateRolesOfUnknownUserIsEmpty() {
        assertThat(store.updateRoles(new UserId("no-such-user"), Set.of("admin"), Set.of())).isEmpty();
    }

    @Test
    public void sr13_concurrentRoleChangesAreAllApplied() throws Exception {
        UserRecord alice = store.create(newUser("alice"));
        try (Race race = new Race(RACERS)) {
            race.run(i -> () -> store.updateRoles(alice.id(), Set.of("role" + i), Set.of()));
        }
        assertThat(store.findById(alice.id()).orElseThrow().roles()).hasSize(RACERS + 1);
    }

    // ------------------------------------------------------------------------------------ credential epochs

    @Test
    public void sr71_passwordHashChangeAdvancesTheCredentialEpochInTheSameStep() {
        UserRecord alice = store.create(newUser("alice"));
        long start = alice.credentialEpoch();
        assertThat(store.findById(alice.id()).orElseThrow().credentialEpoch()).isEqualTo(start);

        assertThat(store.updatePasswordHash(alice.id(), null, OTHER_HASH)).isTrue();
        UserRecord reset = store.findById(alice.id()).orElseThrow();
        assertThat(reset.passwordHash()).isEqualTo(OTHER_HASH);
        assertThat(reset.credentialEpoch()).isEqualTo(start + 1);

        assertThat(store.updatePasswordHash(alice.id(), OTHER_HASH, HASH)).as("compare-and-set").isTrue();
        assertThat(store.findById(alice.id()).orElseThrow().credentialEpoch()).isEqualTo(start + 2);

        assertThat(store.updatePasswordHash(alice.id(), OTHER_HASH, OTHER_HASH)).as("stale expected hash").isFalse();
        assertThat(store.findById(alice.id()).orElseThrow().credentialEpoch()).as("a failed CAS changes nothing")
                .isEqualTo(start + 2);

        assertThat(store.updatePasswordHash(alice.id(), null, null)).as("password removed").isTrue();
        assertThat(store.findById(alice.id()).orElseThrow().credentialEpoch()).isEqualTo(start + 3);
    }

    @Test
    public void sr71_rehashKeepsTheCredentialEpochAndIsACompareAndSet() {
        UserRecord alice = store.create(newUser("alice"));

        assertThat(store.rehashPassword(alice.id(), OTHER_HASH, OTHER_HASH)).as("stale expected hash").isFalse();
        assertThat(store.findById(alice.id()).orElseThrow().passwordHash()).isEqualTo(HASH);
        assertThat(store.rehashPassword(alice.id(), HASH, OTHER_HASH)).isTrue();

        UserRecord rehashed = store.findById(alice.id()).orElseThrow();
        assertThat(rehashed.passwordHash()).isEqualTo(OTHER_HASH);
        assertThat(rehashed.credentialEpoch()).isEqualTo(alice.credentialEpoch());
        assertThat(store.rehashPassword(new UserId("no-such-user"), HASH, OTHER_HASH)).isFalse();
    }

    @Test
    public void sr71_advanceCredentialEpochRaisesItByOneAndChangesNothingElse() {
        UserRecord alice = store.create(newUser("alice"));

        assertThat(store.advanceCredentialEpoch(alice.id())).isTrue();
        UserRecord after = store.findById(alice.id()).orElseThrow();
        assertThat(after.credentialEpoch()).isEqualTo(alice.credentialEpoch() + 1);
        assertThat(after.passwordHash()).isEqualTo(HASH);
        assertThat(after.roles()).isEqualTo(alice.roles());
        assertThat(store.advanceCredentialEpoch(new UserId("no-such-user"))).isFalse();
    }

    @Test
    public void sr71_otherUpdatesKeepTheCredentialEpoch() {
        UserRecord alice = store.create(newUser("alice"));
        store.advanceCredentialEpoch(alice.id());
        long epoch = store.findById(alice.id()).orElseThrow().credentialEpoch();

        store.setEmailConfirmed(alice.id(), true);
        store.updateRoles(alice.id(), Set.of("admin"), Set.of());
        store.linkIdentity(alice.id(), identity("github", "1"));

        assertThat(store.findById(alice.id()).orElseThrow().credentialEpoch()).isEqualTo(epoch);
    }

    @Test
    public void sr71_concurrentEpochAdvancesAreAllCounted() throws Exception {
        UserRecord alice = store.create(newUser("alice"));
        try (Race race = new Race(RACERS)) {
            race.run(i -> () -> i % 2 == 0 ? store.advanceCredentialEpoch(alice.id())
                    : store.updatePasswordHash(alice.id(), null, i % 4 == 1 ? HASH : OTHER_HASH));
        }
        assertThat(store.findById(alice.id()).orElseThrow().credentialEpoch())
                .isEqualTo(alice.credentialEpoch() + RACERS);
    }

    // ------------------------------------------------------------------------------------------- identities

    @Test
    public void sr49_linkedIdentityFindsItsUser() {
        UserRecord alice = store.create(newUser("alice"));
        Identity github = identity("github", "12345");

        assertThat(store.linkIdentity(alice.id(), github)).isTrue();

        UserRecord found = store.findByIdentity("github", "12345").orElseThrow();
        assertThat(found.id()).isEqualTo(alice.id());
        assertThat(found.identities()).containsExactly(github);
        assertThat(store.findById(alice.id()).orElseThrow().identities()).containsExactly(github);
    }

    @Test
    public void sr49_relinkingTheSameIdentityReplacesItsProfile() {
        UserRecord alice = store.create(newUser("alice"));
        store.linkIdentity(alice.id(), identity("github", "12345"));
        Identity newer = new Identity("github", "12345", Map.of("login", "alice-renamed"), T0.plusSeconds(60));

        assertThat(store.linkIdentity(alice.id(), newer)).isTrue();

        assertThat(store.findById(alice.id()).orElseThrow().identities()).containsExactly(newer);
        assertThat(store.findByIdentity("github", "12345").orElseThrow().identities()).containsExactly(newer);
    }

    @Test
    public void sr49_userCanHaveSeveralIdentities() {
        UserRecord alice = store.create(newUser("alice"));
        store.linkIdentity(alice.id(), identity("github", "1"));
        store.linkIdentity(alice.id(), identity("google", "1"));

        assertThat(store.findById(alice.id()).orElseThrow().identities()).hasSize(2);
        assertThat(store.findByIdentity("github", "1").orElseThrow().id()).isEqualTo(alice.id());
        assertThat(store.findByIdentity("google", "1").orElseThrow().id()).isEqualTo(alice.id());
    }

    @Test
    public void sr49_identityOfAnotherUserCannotBeLinked() {
        UserRecord alice = store.create(newUser("alice"));
        UserRecord mallory = store.create(newUser("mallory"));
        store.linkIdentity(alice.id(), identity("github", "12345"));

        assertThat(store.linkIdentity(mallory.id(), identity("github", "12345"))).isFalse();

        assertThat(store.findByIdentity("github", "12345").orElseThrow().id()).isEqualTo(alice.id());
        assertThat(store.findById(mallory.id()).orElseThrow().identities()).isEmpty();
    }

    @Test
    public void sr49_identityCannotBeLinkedToAnUnknownUser() {
        assertThat(store.linkIdentity(new UserId("no-such-user"), identity("github", "12345"))).isFalse();

        assertThat(store.findByIdentity("github", "12345")).isEmpty();
        UserRecord alice = store.create(newUser("alice"));
        assertThat(store.linkIdentity(alice.id(), identity("github", "12345"))).isTrue();
    }

    @Test
    public void sr49_concurrentLinksOfOneIdentityHaveExactlyOneWinner() throws Exception {
        List<UserRecord> users = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            users.add(store.create(newUser("user" + i)));
        }
        try (Race race = new Race(RACERS)) {
            List<Boolean> outcomes =
                    race.run(i -> () -> store.linkIdentity(users.get(i).id(), identity("github", "contested")));

            assertThat(outcomes).filteredOn(Boolean::booleanValue).hasSize(1);
            UserRecord winner = users.get(outcomes.indexOf(true));
            assertThat(store.findByIdentity("github", "contested").orElseThrow().id()).isEqualTo(winner.id());
            for (UserRecord user : users) {
                assertThat(store.findById(user.id()).orElseThrow().identities())
                        .hasSize(user.id().equals(winner.id()) ? 1 : 0);
            }
        }
    }

    // ----------------------------------------------------------------------------------------------- delete

    @Test
    public void sr13_deleteRemovesTheUserAndFreesItsNames() {
        UserRecord alice = store.create(newUser("alice"));
        store.linkIdentity(alice.id(), identity("github", "12345"));

        assertThat(store.delete(alice.id())).isTrue();
        assertThat(store.delete(alice.id())).isFalse();

        assertThat(store.findById(alice.id())).isEmpty();
        assertThat(store.findByUsername("alice")).isEmpty();
        assertThat(store.findByEmail("alice@example.com")).isEmpty();
        assertThat(store.findByIdentity("github", "12345")).isEmpty();
        assertThat(store.updatePasswordHash(alice.id(), null, OTHER_HASH)).isFalse();

        UserRecord again = store.create(new NewUser("ALICE", "Alice@Example.com", false, HASH, Set.of(), T0));
        assertThat(again.id()).isNotEqualTo(alice.id());
        assertThat(store.findByUsername("alice")).hasValue(again);
        assertThat(store.linkIdentity(again.id(), identity("github", "12345"))).isTrue();
    }

    @Test
    public void deleteLeavesOtherUsersAlone() {
        UserRecord alice = store.create(newUser("alice"));
        UserRecord bob = store.create(newUser("bob"));
        store.linkIdentity(bob.id(), identity("github", "bob"));

        store.delete(alice.id());

        assertThat(store.findById(bob.id())).isPresent();
        assertThat(store.findByUsername("bob")).isPresent();
        assertThat(store.findByEmail("bob@example.com")).isPresent();
        assertThat(store.findByIdentity("github", "bob")).isPresent();
    }

    // ------------------------------------------------------------------------------ email change, identities

    @Test
    public void changeEmailSwapsTheAddressInOneStep() {
        UserRecord alice = store.create(newUser("alice"));

        UserRecord changed = store.changeEmail(alice.id(), "Alice.New@Example.com").orElseThrow();

        assertThat(changed.email()).isEqualTo("Alice.New@Example.com");
        assertThat(changed.emailConfirmed()).isTrue();
        assertThat(changed.passwordHash()).isEqualTo(alice.passwordHash());
        assertThat(changed.credentialEpoch()).isEqualTo(alice.credentialEpoch());
        assertThat(store.findByEmail("alice@example.com")).isEmpty();
        assertThat(store.findByEmail("alice.new@example.com").orElseThrow().id()).isEqualTo(alice.id());
        assertThat(store.findById(alice.id())).hasValue(changed);
        // The old address is free again.
        assertThat(store.create(new NewUser("other", "ALICE@example.com", false, HASH, Set.of(), T0))).isNotNull();
    }

    @Test
    public void changeEmailToATakenAddressChangesNothing() {
        UserRecord alice = store.create(newUser("alice"));
        store.create(newUser("bob"));

        assertDuplicate(() -> store.changeEmail(alice.id(), "BOB@example.com"), ErrorCode.EMAIL_TAKEN);

        assertThat(store.findById(alice.id())).hasValue(alice);
        assertThat(store.findByEmail("alice@example.com").orElseThrow().id()).isEqualTo(alice.id());
        assertThat(store.findByEmail("bob@example.com").orElseThrow().username()).isEqualTo("bob");
    }

    @Test
    public void changeEmailOfAnUnknownUserIsEmpty() {
        store.create(newUser("alice"));
        assertThat(store.changeEmail(new UserId("8b1f0a5e-0000-4000-8000-000000000000"), "x@example.com")).isEmpty();
        assertThat(store.findByEmail("x@example.com")).isEmpty();
    }

    @Test
    public void changeEmailToTheSameAddressInAnotherCaseWorks() {
        UserRecord alice = store.create(newUser("alice"));
        assertThat(store.changeEmail(alice.id(), "ALICE@example.com").orElseThrow().email())
                .isEqualTo("ALICE@example.com");
        assertThat(store.findByEmail("alice@example.com").orElseThrow().id()).isEqualTo(alice.id());
    }

    @Test
    public void concurrentEmailChangesOfTwoUsersToOneAddressHaveExactlyOneWinner() throws Exception {
        try (Race race = new Race(2)) {
            for (int round = 0; round < 10; round++) {
                UserRecord first = store.create(newUser("first" + round));
                UserRecord second = store.create(newUser("second" + round));
                String target = "target" + round + "@example.com";
                List<UserRecord> users = List.of(first, second);
                List<Object> outcomes = race.run(i -> () -> {
                    try {
                        return store.changeEmail(users.get(i).id(), i == 0 ? target : target.toUpperCase())
                                .orElseThrow();
                    } catch (DuplicateUserException e) {
                        return e.code();
                    }
                });
                List<Object> winners = outcomes.stream().filter(UserRecord.class::isInstance).toList();
                assertThat(winners).as("round %d", round).hasSize(1);
                assertThat(outcomes).as("round %d", round).contains(ErrorCode.EMAIL_TAKEN);
                UserRecord winner = (UserRecord) winners.get(0);
                assertThat(store.findByEmail(target).orElseThrow().id()).isEqualTo(winner.id());
                UserRecord loser = users.stream().filter(u -> !u.id().equals(winner.id())).findFirst().orElseThrow();
                assertThat(store.findById(loser.id())).hasValue(loser);
                assertThat(store.findByEmail(loser.email()).orElseThrow().id()).isEqualTo(loser.id());
            }
        }
    }

    @Test
    public void unlinkIdentityRemovesOnlyThatProvider() {
        UserRecord alice = store.create(newUser("alice"));
        store.linkIdentity(alice.id(), identity("github", "a1"));
        store.linkIdentity(alice.id(), identity("google", "a2"));

        assertThat(store.unlinkIdentity(alice.id(), "github", user -> true)).isEqualTo(IdentityRemoval.REMOVED);

        assertThat(store.findById(alice.id()).orElseThrow().identities()).extracting(Identity::provider)
                .containsExactly("google");
        assertThat(store.findByIdentity("github", "a1")).isEmpty();
        assertThat(store.findByIdentity("google", "a2")).isPresent();
        assertThat(store.unlinkIdentity(alice.id(), "github", user -> true)).isEqualTo(IdentityRemoval.NOT_LINKED);
        // The identity is free for another user now.
        UserRecord bob = store.create(newUser("bob"));
        assertThat(store.linkIdentity(bob.id(), identity("github", "a1"))).isTrue();
    }

    @Test
    public void unlinkIdentityRefusedByTheRuleChangesNothing() {
        UserRecord alice = store.create(new NewUser("alice", "alice@example.com", true, null, Set.of(), T0));
        store.linkIdentity(alice.id(), identity("github", "a1"));
        UserRecord before = store.findById(alice.id()).orElseThrow();

        assertThat(store.unlinkIdentity(alice.id(), "github", user -> {
            assertThat(user.identities()).hasSize(1);
            return false;
        })).isEqualTo(IdentityRemoval.REFUSED);

        assertThat(store.findById(alice.id())).hasValue(before);
        assertThat(store.findByIdentity("github", "a1")).isPresent();
        assertThat(store.unlinkIdentity(new UserId("8b1f0a5e-0000-4000-8000-000000000000"), "github", u -> true))
                .isEqualTo(IdentityRemoval.NOT_LINKED);
        assertThat(store.unlinkIdentity(alice.id(), "gitlab", u -> true)).isEqualTo(IdentityRemoval.NOT_LINKED);
    }

    @Test
    public void concurrentUnlinksCannotRemoveTheLastTwoIdentitiesOfAUserWithoutPassword() throws Exception {
        try (Race race = new Race(2)) {
            for (int round = 0; round < 10; round++) {
                UserRecord user = store.create(new NewUser("nopass" + round, null, false, null, Set.of(), T0));
                store.linkIdentity(user.id(), identity("github", "g" + round));
                store.linkIdentity(user.id(), identity("google", "o" + round));
                List<String> providers = List.of("github", "google");
                // The rule of core's LoginMethods: another identity (or a password) must remain.
                List<Object> outcomes = race.run(i -> () -> store.unlinkIdentity(user.id(), providers.get(i),
                        u -> u.passwordHash() != null || u.identities().stream()
                                .anyMatch(id -> !id.provider().equals(providers.get(i)))));
                assertThat(outcomes).as("round %d", round)
                        .containsExactlyInAnyOrder(IdentityRemoval.REMOVED, IdentityRemoval.REFUSED);
                assertThat(store.findById(user.id()).orElseThrow().identities()).hasSize(1);
            }
        }
    }

    // ----------------------------------------------------------------------------------------- second factor

    @Test
    public void aPendingTotpIsReplacedByANewSetupAndEnabledOnlyWithItsOwnSecretBeforeItLapses() {
        UserRecord alice = store.create(newUser("alice"));
        assertThat(store.findSecondFactor(alice.id())).isEmpty();

        assertThat(store.savePendingTotp(alice.id(), "plain:AAAA", T0.plusSeconds(600))).isTrue();
        assertThat(store.savePendingTotp(alice.id(), "plain:BBBB", T0.plusSeconds(600))).isTrue();
        SecondFactor pending = store.findSecondFactor(alice.id()).orElseThrow();
        assertThat(pending.secret()).isEqualTo("plain:BBBB");
        assertThat(pending.enabled()).isFalse();

        assertThat(store.enableTotp(alice.id(), "plain:AAAA", 10, Set.of("d1"), T0)).as("replaced secret").isFalse();
        assertThat(store.enableTotp(alice.id(), "plain:BBBB", 10, Set.of("d1"), T0.plusSeconds(600)))
                .as("lapsed").isFalse();
        assertThat(store.enableTotp(alice.id(), "plain:BBBB", 10, Set.of("d1", "d2"), T0)).isTrue();
        SecondFactor on = store.findSecondFactor(alice.id()).orElseThrow();
        assertThat(on.enabled()).isTrue();
        assertThat(on.lastUsedStep()).isEqualTo(10);
        assertThat(on.recoveryCodes()).isEqualTo(2);
        assertThat(store.savePendingTotp(alice.id(), "plain:CCCC", T0.plusSeconds(600)))
                .as("no setup over an enabled credential").isFalse();
        assertThat(store.findSecondFactor(alice.id()).orElseThrow().secret()).isEqualTo("plain:BBBB");
    }

    @Test
    public void aTotpStepIsUsedOnceAndNeverAnOlderOne() {
        UserRecord alice = enabledTotp("alice");
        assertThat(store.useTotpStep(alice.id(), 10)).as("the confirming step").isFalse();
        assertThat(store.useTotpStep(alice.id(), 11)).isTrue();
        assertThat(store.useTotpStep(alice.id(), 11)).isFalse();
        assertThat(store.useTotpStep(alice.id(), 9)).isFalse();
        assertThat(store.useTotpStep(alice.id(), 13)).isTrue();
        assertThat(store.findSecondFactor(alice.id()).orElseThrow().lastUsedStep()).isEqualTo(13);
    }

    @Test
    public void racingUsesOfOneTotpStepHaveExactlyOneWinner() throws Exception {
        UserRecord alice = enabledTotp("alice");
        try (Race race = new Race(RACERS)) {
            for (int round = 0; round < 5; round++) {
                long step = 100 + round;
                List<Boolean> outcomes = race.run(i -> () -> store.useTotpStep(alice.id(), step));
                assertThat(outcomes).as("round %d", round).containsOnlyOnce(true);
            }
        }
    }

    @Test
    public void aRecoveryCodeIsUsedOnceEvenUnderARace() throws Exception {
        UserRecord alice = enabledTotp("alice");
        List<Boolean> outcomes = Race.race(RACERS, i -> () -> store.useRecoveryCode(alice.id(), "d1"));
        assertThat(outcomes).containsOnlyOnce(true);
        assertThat(store.findSecondFactor(alice.id()).orElseThrow().recoveryCodes()).isEqualTo(1);
        assertThat(store.useRecoveryCode(alice.id(), "unknown")).isFalse();
    }

    @Test
    public void replacingRecoveryCodesKillsTheOldOnesAndDeletingRemovesEverything() {
        UserRecord alice = enabledTotp("alice");
        assertThat(store.replaceRecoveryCodes(alice.id(), Set.of("n1", "n2", "n3"))).isTrue();
        assertThat(store.useRecoveryCode(alice.id(), "d1")).isFalse();
        assertThat(store.useRecoveryCode(alice.id(), "n2")).isTrue();
        assertThat(store.findSecondFactor(alice.id()).orElseThrow().recoveryCodes()).isEqualTo(2);

        assertThat(store.deleteSecondFactor(alice.id())).isTrue();
        assertThat(store.deleteSecondFactor(alice.id())).isFalse();
        assertThat(store.findSecondFactor(alice.id())).isEmpty();
        assertThat(store.useRecoveryCode(alice.id(), "n1")).isFalse();
        assertThat(store.useTotpStep(alice.id(), 99)).isFalse();
        assertThat(store.replaceRecoveryCodes(alice.id(), Set.of("x"))).as("not enabled").isFalse();
    }

    @Test
    public void theSecondFactorGoesWithItsUserAndUnknownUsersHaveNone() {
        UserRecord alice = enabledTotp("alice");
        store.delete(alice.id());
        assertThat(store.findSecondFactor(alice.id())).isEmpty();
        UserId unknown = new UserId("00000000-0000-0000-0000-000000000000");
        assertThat(store.savePendingTotp(unknown, "plain:AAAA", T0.plusSeconds(60))).isFalse();
        assertThat(store.findSecondFactor(new UserId("not-a-uuid"))).isEmpty();
        assertThat(store.useTotpStep(new UserId("not-a-uuid"), 1)).isFalse();
    }

    private UserRecord enabledTotp(String name) {
        UserRecord user = store.create(newUser(name));
        assertThat(store.savePendingTotp(user.id(), "plain:SECRET", T0.plusSeconds(600))).isTrue();
        assertThat(store.enableTotp(user.id(), "plain:SECRET", 10, Set.of("d1", "d2"), T0)).isTrue();
        return user;
    }

    // ---------------------------------------------------------------------------------------------- passkeys

    private static PasskeyCredential passkey(String id, UserRecord user, long count, Instant createdAt) {
        return new PasskeyCredential(id, user.id(), "handle-" + user.username(), new byte[] {1, 2, 3, (byte) count},
                count, true, false, Set.of("internal", "hybrid"), "Key " + id, createdAt, null);
    }

    @Test
    public void passkeyUserHandleIsMadeOnceAndKept() {
        UserRecord alice = store.create(newUser("alice"));
        assertThat(store.passkeyUserHandle(alice.id(), "first")).contains("first");
        assertThat(store.passkeyUserHandle(alice.id(), "second")).as("the first one stays").contains("first");
        UserRecord bob = store.create(newUser("bob"));
        assertThat(store.passkeyUserHandle(bob.id(), "bobs")).contains("bobs");
        assertThat(store.passkeyUserHandle(new UserId("00000000-0000-0000-0000-000000000000"), "x")).isEmpty();
        assertThat(store.passkeyUserHandle(new UserId("not-a-uuid"), "x")).isEmpty();
    }

    @Test
    public void racingFirstUserHandlesAgreeOnOne() throws Exception {
        UserRecord alice = store.create(newUser("alice"));
        List<java.util.Optional<String>> handles = Race.race(RACERS,
                i -> () -> store.passkeyUserHandle(alice.id(), "h" + i));
        assertThat(new java.util.HashSet<>(handles)).hasSize(1);
    }

    @Test
    public void passkeysAreAddedListedFoundAndKeptWhole() {
        UserRecord alice = store.create(newUser("alice"));
        PasskeyCredential first = passkey("cred-1", alice, 0, T0);
        PasskeyCredential second = passkey("cred-2", alice, 7, T0.plusSeconds(5));
        assertThat(store.addPasskey(second)).isTrue();
        assertThat(store.addPasskey(first)).isTrue();
        assertThat(store.listPasskeys(alice.id())).containsExactly(first, second);
        PasskeyCredential found = store.findPasskey("cred-2").orElseThrow();
        assertThat(found).isEqualTo(second);
        assertThat(found.credentialData()).containsExactly(1, 2, 3, 7);
        assertThat(found.transports()).containsExactlyInAnyOrder("internal", "hybrid");
        assertThat(found.lastUsedAt()).isNull();
        assertThat(store.findPasskey("unknown")).isEmpty();
        assertThat(store.listPasskeys(store.create(newUser("bob")).id())).isEmpty();
    }

    @Test
    public void aCredentialIdBelongsToOneUserOnly() {
        UserRecord alice = store.create(newUser("alice"));
        UserRecord bob = store.create(newUser("bob"));
        assertThat(store.addPasskey(passkey("cred", alice, 0, T0))).isTrue();
        assertThat(store.addPasskey(passkey("cred", bob, 0, T0))).isFalse();
        assertThat(store.addPasskey(passkey("cred", alice, 3, T0))).isFalse();
        assertThat(store.findPasskey("cred").orElseThrow().user()).isEqualTo(alice.id());
        assertThat(store.findPasskey("cred").orElseThrow().signCount()).isZero();
        assertThat(store.listPasskeys(bob.id())).isEmpty();
        UserRecord gone = store.create(newUser("gone"));
        store.delete(gone.id());
        assertThat(store.addPasskey(passkey("orphan", gone, 0, T0))).as("no such user").isFalse();
    }

    @Test
    public void usingAPasskeyIsACompareAndSetOfTheCounter() {
        UserRecord alice = store.create(newUser("alice"));
        store.addPasskey(passkey("cred", alice, 5, T0));
        assertThat(store.usePasskey("cred", 4, 9, T0.plusSeconds(1))).isFalse();
        assertThat(store.usePasskey("cred", 5, 6, T0.plusSeconds(2))).isTrue();
        PasskeyCredential used = store.findPasskey("cred").orElseThrow();
        assertThat(used.signCount()).isEqualTo(6);
        assertThat(used.lastUsedAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(store.usePasskey("cred", 5, 6, T0.plusSeconds(3))).isFalse();
        assertThat(store.usePasskey("unknown", 0, 1, T0)).isFalse();
    }

    @Test
    public void racingAssertionsOfOneCounterHaveExactlyOneWinner() throws Exception {
        UserRecord alice = store.create(newUser("alice"));
        store.addPasskey(passkey("cred", alice, 10, T0));
        List<Boolean> outcomes = Race.race(RACERS, i -> () -> store.usePasskey("cred", 10, 11, T0.plusSeconds(i)));
        assertThat(outcomes).containsOnlyOnce(true);
        assertThat(store.findPasskey("cred").orElseThrow().signCount()).isEqualTo(11);
    }

    @Test
    public void renamingTouchesOnlyTheOwnersPasskey() {
        UserRecord alice = store.create(newUser("alice"));
        UserRecord bob = store.create(newUser("bob"));
        store.addPasskey(passkey("cred", alice, 0, T0));
        assertThat(store.renamePasskey(bob.id(), "cred", "Bob's")).isEmpty();
        assertThat(store.renamePasskey(alice.id(), "cred", "Laptop").orElseThrow().name()).isEqualTo("Laptop");
        assertThat(store.findPasskey("cred").orElseThrow().name()).isEqualTo("Laptop");
        assertThat(store.renamePasskey(alice.id(), "unknown", "x")).isEmpty();
    }

    @Test
    public void removingAPasskeyAsksTheRuleOnlyForTheLastOne() {
        UserRecord alice = store.create(newUser("alice"));
        UserRecord bob = store.create(newUser("bob"));
        store.addPasskey(passkey("a1", alice, 0, T0));
        store.addPasskey(passkey("a2", alice, 0, T0.plusSeconds(1)));
        assertThat(store.removePasskey(bob.id(), "a1", user -> true)).isEqualTo(IdentityRemoval.NOT_LINKED);
        assertThat(store.removePasskey(alice.id(), "a1", user -> false)).isEqualTo(IdentityRemoval.REMOVED);
        assertThat(store.removePasskey(alice.id(), "a2", user -> false)).isEqualTo(IdentityRemoval.REFUSED);
        assertThat(store.listPasskeys(alice.id())).hasSize(1);
        assertThat(store.removePasskey(alice.id(), "a2", user -> user.id().equals(alice.id())))
                .isEqualTo(IdentityRemoval.REMOVED);
        assertThat(store.listPasskeys(alice.id())).isEmpty();
        assertThat(store.removePasskey(alice.id(), "a2", user -> true)).isEqualTo(IdentityRemoval.NOT_LINKED);
    }

    @Test
    public void racingRemovalsOfTheLastTwoPasskeysLeaveOne() throws Exception {
        UserRecord alice = store.create(new NewUser("alice", null, false, null, Set.of(), T0));
        store.addPasskey(passkey("a1", alice, 0, T0));
        store.addPasskey(passkey("a2", alice, 0, T0.plusSeconds(1)));
        List<IdentityRemoval> outcomes = Race.race(2, i -> () -> store.removePasskey(alice.id(), "a" + (i + 1),
                user -> user.passwordHash() != null || !user.identities().isEmpty()));
        assertThat(outcomes).containsExactlyInAnyOrder(IdentityRemoval.REMOVED, IdentityRemoval.REFUSED);
        assertThat(store.listPasskeys(alice.id())).hasSize(1);
    }

    @Test
    public void deletingAUserDeletesItsPasskeys() {
        UserRecord alice = store.create(newUser("alice"));
        store.passkeyUserHandle(alice.id(), "h");
        store.addPasskey(passkey("cred", alice, 0, T0));
        assertThat(store.delete(alice.id())).isTrue();
        assertThat(store.findPasskey("cred")).isEmpty();
        assertThat(store.listPasskeys(alice.id())).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /** A user {@code name} with email {@code name@example.com}, a password and the role {@code user}. */
    protected static NewUser newUser(String name) {
        return new NewUser(name, name + "@example.com", false, HASH, Set.of("user"), T0);
    }

    protected static Identity identity(String provider, String subject) {
        return new Identity(provider, subject, Map.of("login", subject), T0);
    }

    private static void assertDuplicate(Runnable create, ErrorCode expected) {
        DuplicateUserException thrown = catchThrowableOfType(DuplicateUserException.class, create::run);
        assertThat(thrown).as("expected %s", expected).isNotNull();
        assertThat(thrown.code()).isEqualTo(expected);
    }
}
