package dev.accesspass.store;

import dev.accesspass.SessionId;
import dev.accesspass.UserId;
import dev.accesspass.testing.Race;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The memory store against the shared contract, plus what only it promises (the bounded used-token history). */
class InMemoryTokenStoreTest extends TokenStoreContract {

    @Override
    protected TokenStore newStore() {
        return TokenStore.inMemory();
    }

    @Override
    protected Optional<List<byte[]>> storedSecretMaterial(TokenStore store) {
        return Optional.of(((InMemoryTokenStore) store).allDigests().stream().map(TokenHash::bytes).toList());
    }

    @Test
    void usedHistoryIsBoundedSoOldGenerationsBecomeUnknown() {
        Opened session = open(new UserId("alice"));
        List<String> refreshTokens = new ArrayList<>();
        refreshTokens.add(session.refresh());
        // Rotate USED_HISTORY + 1 times: generation 0 falls out of the history, generation 1 is the oldest kept.
        for (int generation = 0; generation <= InMemoryTokenStore.USED_HISTORY; generation++) {
            Minted next = mint(T0.plusSeconds(generation));
            rotated(store().rotate(TokenHash.of(refreshTokens.get(generation)), next.successor(),
                    T0.plusSeconds(generation)));
            refreshTokens.add(next.refresh());
        }
        int live = refreshTokens.size() - 1;
        assertThat(live).isEqualTo(InMemoryTokenStore.USED_HISTORY + 1);

        // 17 generations old: forgotten, refused without being recognised as reuse.
        assertThat(store().rotate(TokenHash.of(refreshTokens.get(live - 17)), mint(T0).successor(), T0))
                .isInstanceOf(Rotation.Rejected.class);
        // 16 and 15 generations old: still recognised.
        alreadyRotated(store().rotate(TokenHash.of(refreshTokens.get(live - 16)), mint(T0).successor(), T0));
        alreadyRotated(store().rotate(TokenHash.of(refreshTokens.get(live - 15)), mint(T0).successor(), T0));
        // The session itself is unharmed and its history holds at most USED_HISTORY used digests besides the pair
        // and the access token just rotated out (kept until it expires, SR-17).
        assertThat(((InMemoryTokenStore) store()).allDigests()).hasSize(InMemoryTokenStore.USED_HISTORY + 3);
    }

    private MemoSlots.Slot slot(TokenHash access) {
        return ((MemoSlots) store()).findSlot(access, T0.toEpochMilli());
    }

    /** The memo slot of core's token check follows {@code findByAccessToken} through a session's whole life. */
    @Test
    void theMemoSlotIsFoundExactlyWhenTheGrantIsAndLosesItsMemoWhenTheGrantChanges() {
        MemoSlots slots = (MemoSlots) store();
        Opened session = open(new UserId("alice"));
        TokenHash first = TokenHash.of(session.access());

        MemoSlots.Slot slot = slot(first);
        assertThat(slot.grant()).isSameAs(store().findByAccessToken(first, T0).orElseThrow());
        assertThat(slots.findSlot(first, T0.plus(ACCESS_TTL).minus(MS).toEpochMilli())).isSameAs(slot);
        assertThat(slots.findSlot(first, T0.plus(ACCESS_TTL).toEpochMilli())).as("expired").isNull();
        assertThat(slot(TokenHash.of(session.refresh()))).as("a refresh token").isNull();

        // A memo is recalled while the grant and the user's cell hold what it was built from, then no more.
        UserCells.Cell cell = new UserCells.Cell(null);
        Object memo = new Object();
        assertThat(slot.recall()).as("nothing remembered yet").isSameAs(MemoSlots.Slot.FORGOTTEN);
        slots.remember(slot, slot.grant(), cell, null, memo);
        MemoSlots.Slot checked = slot(first);
        assertThat(checked.recall()).isSameAs(memo);
        assertThat(checked.grant()).isSameAs(slot.grant());
        assertThat(store().findByAccessToken(first, T0)).as("the store's own lookup").contains(slot.grant());
        assertThat(slots.findSlot(first, T0.plus(ACCESS_TTL).minus(MS).toEpochMilli())).isSameAs(checked);
        assertThat(slots.findSlot(first, T0.plus(ACCESS_TTL).toEpochMilli())).as("expired, remembered").isNull();
        assertThat(store().findByAccessToken(first, T0.plus(ACCESS_TTL))).isEmpty();

        SessionGrant before = slot.grant();
        assertThat(store().advanceSessionEpoch(session.id(), 1)).isTrue();
        assertThat(slot(first).recall()).as("dropped with the grant").isSameAs(MemoSlots.Slot.FORGOTTEN);
        assertThat(slot(first).grant()).isNotSameAs(before).extracting(SessionGrant::credentialEpoch).isEqualTo(1L);
        slots.remember(slot(first), before, cell, null, memo);
        assertThat(slot(first).recall()).as("built from the grant before").isSameAs(MemoSlots.Slot.FORGOTTEN);
        slots.remember(slot(first), slot(first).grant(), cell, null, null);
        assertThat(slot(first).recall()).as("a refusal is remembered too").isNull();
        UserRecord gone = UserStore.inMemory().create(new NewUser("gone", "gone@example.com", true, null, Set.of(),
                T0));
        slots.remember(slot(first), slot(first).grant(), cell, gone, memo);
        assertThat(slot(first).recall()).as("the user's cell holds another record").isSameAs(MemoSlots.Slot.FORGOTTEN);

        // Rotated out once: still found, as the previous generation; rotated out twice: gone.
        slots.remember(slot(first), slot(first).grant(), cell, null, memo);
        Minted second = mint(T0);
        rotated(store().rotate(TokenHash.of(session.refresh()), second.successor(), T0));
        assertThat(slot(first).recall()).as("dropped at the rotation").isSameAs(MemoSlots.Slot.FORGOTTEN);
        assertThat(slot(first)).as("the pair itself again").isSameAs(slot);
        assertThat(slot.grant()).isEqualTo(store().findByAccessToken(first, T0).orElseThrow());
        Minted third = mint(T0);
        rotated(store().rotate(TokenHash.of(second.refresh()), third.successor(), T0));
        assertThat(slot(first)).isNull();
        assertThat(slot(TokenHash.of(second.access()))).isNotNull();

        // A remembered pair goes with its session, as its pair does.
        MemoSlots.Slot thirdSlot = slot(TokenHash.of(third.access()));
        slots.remember(thirdSlot, thirdSlot.grant(), cell, null, memo);
        assertThat(slot(TokenHash.of(third.access())).recall()).isSameAs(memo);
        assertThat(((InMemoryTokenStore) store()).accessIndex().size()).isEqualTo(2);
        assertThat(store().revokeSession(session.id())).isTrue();
        assertThat(slot(TokenHash.of(second.access()))).isNull();
        assertThat(slot(TokenHash.of(third.access()))).isNull();
        assertThat(store().findByAccessToken(TokenHash.of(third.access()), T0)).isEmpty();
        assertThat(((InMemoryTokenStore) store()).accessIndex().size()).isZero();
    }

    /**
     * Answers are remembered by whichever check gets there, so two checks may remember at once: a recall must never
     * combine the user of one with the answer of another. Here the cell always holds {@code kept}, and writers
     * alternate between the answer for {@code kept} and one for {@code other}; a check may only ever recall
     * {@code kept}'s answer (or nothing).
     */
    @Test
    void sr13_aMemoIsNeverRecalledHalfWritten() throws Exception {
        UserStore users = UserStore.inMemory();
        UserRecord kept = users.create(new NewUser("kept", "kept@example.com", true, null, Set.of(), T0));
        UserRecord other = users.create(new NewUser("other", "other@example.com", true, null, Set.of(), T0));
        UserCells.Cell cell = new UserCells.Cell(kept);
        Object keptAnswer = "answer for kept";
        Object otherAnswer = "answer for other";
        Opened session = open(kept.id());
        TokenHash access = TokenHash.of(session.access());
        MemoSlots slots = (MemoSlots) store();
        SessionGrant grant = slot(access).grant();

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong recalled = new AtomicLong();
        List<Object> wrong = Race.race(4, thread -> () -> {
            if (thread < 2) {
                for (int i = 0; i < 500_000; i++) {
                    boolean mine = (i + thread) % 2 == 0;
                    slots.remember(slot(access), grant, cell, mine ? kept : other, mine ? keptAnswer : otherAnswer);
                }
                running.set(false);
                return null;
            }
            while (running.get()) {
                Object answer = slot(access).recall();
                if (answer == keptAnswer) {
                    recalled.incrementAndGet();
                } else if (answer != MemoSlots.Slot.FORGOTTEN) {
                    return answer;
                }
            }
            return null;
        });
        assertThat(wrong).containsOnlyNulls();
        assertThat(recalled.get()).as("the kept answer was recalled at all").isPositive();
    }

    /**
     * SR-71 for the memo itself: one thread raises the session's epoch (each raise gives the pair a new grant) while
     * three check as core does (recall, else build from the slot's grant and remember). The answer here is the grant
     * it was built from, so a check that began after the raise to k returned must recall an answer of epoch k or
     * later: an answer remembered from an older grant that got into the store after the raise would be caught.
     */
    @Test
    void sr71_anAnswerRememberedWhileTheGrantChangesIsNeverRecalledAfterTheChange() throws Exception {
        UserCells.Cell cell = new UserCells.Cell(null);
        Opened session = open(new UserId("alice"));
        TokenHash access = TokenHash.of(session.access());
        MemoSlots slots = (MemoSlots) store();
        int raises = 20_000;
        AtomicLong committed = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        List<String> violations = Collections.synchronizedList(new ArrayList<>());

        List<Long> recalls = Race.race(4, thread -> () -> {
            if (thread == 0) {
                for (int k = 1; k <= raises; k++) {
                    assertThat(store().advanceSessionEpoch(session.id(), k)).isTrue();
                    committed.set(k);
                }
                running.set(false);
                return 0L;
            }
            long recalled = 0;
            while (running.get()) {
                long before = committed.get();
                MemoSlots.Slot slot = slots.findSlot(access, T0.toEpochMilli());
                Object answer = slot.recall();
                if (answer == MemoSlots.Slot.FORGOTTEN) {
                    SessionGrant grant = slot.grant();
                    slots.remember(slot, grant, cell, null, grant);
                    answer = grant;
                } else {
                    recalled++;
                }
                long epoch = ((SessionGrant) answer).credentialEpoch();
                if (epoch < before) {
                    violations.add("answered with epoch " + epoch + " after the raise to " + before + " returned");
                }
            }
            return recalled;
        });

        assertThat(violations).isEmpty();
        assertThat(recalls.stream().mapToLong(Long::longValue).sum()).as("answers were recalled at all").isPositive();
        assertThat(slot(access).grant().credentialEpoch()).isEqualTo(raises);
    }

    @Test
    void sr10_revokingOneOfSeveralSessionsKeepsTheOthersRevocableByUser() {
        UserId alice = new UserId("alice");
        Opened first = open(alice);
        Opened second = open(alice);
        Opened third = open(alice);

        assertThat(store().revokeSession(second.id())).isTrue();

        // The user's list must still hold the other two, or logout-all would miss them.
        assertThat(store().revokeUserSessions(alice, null)).isEqualTo(2);
        assertThat(store().findByAccessToken(TokenHash.of(first.access()), T0)).isEmpty();
        assertThat(store().findByAccessToken(TokenHash.of(third.access()), T0)).isEmpty();
        assertThat(((InMemoryTokenStore) store()).allDigests()).isEmpty();
    }

    @Test
    void sr10_sessionsAreFoundByIdWhateverTheOrderOfRevocation() {
        UserId alice = new UserId("alice");
        List<Opened> sessions = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sessions.add(open(alice));
        }

        for (int i : new int[] {0, 3, 2, 4, 1}) {
            assertThat(store().revokeSession(sessions.get(i).id())).as("session %d", i).isTrue();
            assertThat(store().findByAccessToken(TokenHash.of(sessions.get(i).access()), T0)).isEmpty();
        }
        assertThat(store().revokeUserSessions(alice, null)).isZero();
        assertThat(trackedUsers()).as("a user without live sessions costs the store nothing").isZero();

        // The user's retired list is replaced, so a new session is tracked (and revocable) again.
        Opened again = open(alice);
        assertThat(store().revokeUserSessions(alice, null)).isEqualTo(1);
        assertThat(store().findByAccessToken(TokenHash.of(again.access()), T0)).isEmpty();
    }

    @Test
    void endedSessionsLeaveTheUsersListAndTheLastOneTakesTheListAlong() {
        UserId alice = new UserId("alice");
        Opened first = open(alice);
        Opened second = open(alice);
        open(new UserId("bob"));

        assertThat(store().revokeSession(first.id())).isTrue();
        assertThat(trackedUsers()).isEqualTo(2);
        assertThat(store().revokeSession(second.id())).isTrue();

        assertThat(trackedUsers()).as("alice's list is gone, bob's stays").isEqualTo(1);
    }

    /** How many users the store keeps a session list for: white-box, since the SPI has no way to ask. */
    private int trackedUsers() {
        try {
            java.lang.reflect.Field users = InMemoryTokenStore.class.getDeclaredField("users");
            users.setAccessible(true);
            return ((Map<?, ?>) users.get(store())).size();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("InMemoryTokenStore.users moved; update this test", e);
        }
    }

    @Test
    void idsThisStoreNeverIssuedRevokeNothing() {
        Opened session = open(new UserId("alice"));
        String id = session.id().value();

        String user = id.substring(0, id.lastIndexOf('.'));
        String seq = id.substring(id.lastIndexOf('.'));
        for (String bogus : List.of("nodot", seq, user + ".x", user + ".999999", "bob" + seq)) {
            assertThat(store().revokeSession(new SessionId(bogus))).as(bogus).isFalse();
        }
        assertThat(store().findByAccessToken(TokenHash.of(session.access()), T0)).isPresent();
    }

    @Test
    void sr02_aRevokedRotatedSessionLeavesNoDigestBehind() {
        Opened session = open(new UserId("alice"));
        String refreshToken = session.refresh();
        for (int i = 0; i < 3; i++) {
            Minted next = mint(T0);
            rotated(store().rotate(TokenHash.of(refreshToken), next.successor(), T0));
            refreshToken = next.refresh();
        }

        assertThat(store().revokeSession(session.id())).isTrue();

        assertThat(((InMemoryTokenStore) store()).allDigests()).isEmpty();
    }

    @Test
    void sr07_aRefreshTokenIsRefusedFromItsExpiryInstantOn() {
        Opened session = open(new UserId("alice"), T0, null, Map.of(), T0.plus(ACCESS_TTL), T0.plusSeconds(60));

        assertThat(store().rotate(TokenHash.of(session.refresh()), mint(T0).successor(), T0.plusSeconds(60)))
                .isInstanceOf(Rotation.Rejected.class);
        assertThat(store().rotate(TokenHash.of(session.refresh()), mint(T0).successor(),
                T0.plusSeconds(60).minus(MS))).isInstanceOf(Rotation.Rotated.class);
    }

    @Test
    void purgeCountsExactlyWhatItRemovesAndStopsAtTheExpiryInstant() {
        UserId alice = new UserId("alice");
        Instant refreshEnd = T0.plusSeconds(600);
        Opened dying = open(alice, T0, null, Map.of(), T0.plus(ACCESS_TTL), refreshEnd);
        Opened capped = open(alice, T0, T0.plusSeconds(600), Map.of(), T0.plus(ACCESS_TTL), T0.plus(REFRESH_TTL));
        Opened living = open(alice, T0, null, Map.of(), T0.plus(ACCESS_TTL), T0.plus(REFRESH_TTL));
        Opened together = open(alice, T0, null, Map.of(), refreshEnd, refreshEnd);
        store().saveOneTimeToken(new OneTimeToken(TokenHash.of("expiring"), TokenPurpose.RESET_PASSWORD, alice,
                refreshEnd, null));
        store().saveOneTimeToken(new OneTimeToken(TokenHash.of("lasting"), TokenPurpose.RESET_PASSWORD, alice,
                refreshEnd.plus(MS), null));
        store().recordFailedAttempt("user:ending", T0, Duration.ofSeconds(600));
        store().recordFailedAttempt("user:lasting", T0.plus(MS), Duration.ofSeconds(600));

        assertThat(store().purgeExpired(refreshEnd.minus(MS))).isZero();
        assertThat(store().purgeExpired(refreshEnd)).isEqualTo(5);
        assertThat(store().purgeExpired(refreshEnd)).isZero();

        assertThat(store().rotate(TokenHash.of(dying.refresh()), mint(refreshEnd).successor(), T0))
                .as("purged, so unknown even at an earlier instant").isInstanceOf(Rotation.Rejected.class);
        assertThat(store().rotate(TokenHash.of(capped.refresh()), mint(refreshEnd).successor(), T0))
                .isInstanceOf(Rotation.Rejected.class);
        assertThat(store().rotate(TokenHash.of(together.refresh()), mint(refreshEnd).successor(), T0))
                .isInstanceOf(Rotation.Rejected.class);
        assertThat(store().rotate(TokenHash.of(living.refresh()), mint(refreshEnd).successor(), refreshEnd))
                .isInstanceOf(Rotation.Rotated.class);
        assertThat(store().consumeOneTimeToken(TokenHash.of("expiring"), TokenPurpose.RESET_PASSWORD, T0)).isEmpty();
        assertThat(store().consumeOneTimeToken(TokenHash.of("lasting"), TokenPurpose.RESET_PASSWORD, T0))
                .isPresent();
        assertThat(store().failedAttempts("user:ending", T0).failures()).as("purged").isZero();
        assertThat(store().failedAttempts("user:lasting", T0.plus(MS)).failures()).isEqualTo(1);
    }

    @Test
    void aCheckedSessionGetsItsReadyGrantBackUntilSomethingTheGrantShowsChanges() {
        Opened session = open(new UserId("alice"));
        TokenHash access = TokenHash.of(session.access());
        SessionGrant first = store().findByAccessToken(access, T0).orElseThrow();

        assertThat(store().findByAccessToken(access, T0.plusSeconds(1)).orElseThrow()).isSameAs(first);
        store().advanceSessionEpoch(session.id(), 3);
        SessionGrant advanced = store().findByAccessToken(access, T0).orElseThrow();
        assertThat(advanced).isNotSameAs(first);
        assertThat(advanced.credentialEpoch()).isEqualTo(3);
        assertThat(store().findByAccessToken(access, T0).orElseThrow()).isSameAs(advanced);
        store().recordReauthentication(session.id(), List.of("pwd", "otp", "mfa"), 2, T0.plusSeconds(5));
        assertThat(store().findByAccessToken(access, T0.plusSeconds(5)).orElseThrow().metadata().aal()).isEqualTo(2);
        assertThat(((InMemoryTokenStore) store()).cachedGrants()).isEqualTo(1);

        Minted next = mint(T0.plusSeconds(6));
        rotated(store().rotate(TokenHash.of(session.refresh()), next.successor(), T0.plusSeconds(6)));
        store().findByAccessToken(TokenHash.of(next.access()), T0.plusSeconds(6)).orElseThrow();
        assertThat(((InMemoryTokenStore) store()).cachedGrants()).as("the pair rotated out lets its grant go")
                .isEqualTo(1);
        assertThat(store().findByAccessToken(access, T0.plusSeconds(6))).as("yet still works (SR-17)").isPresent();
    }

    @Test
    void purgeLetsTheReadyGrantOfAnExpiredAccessTokenGoAndKeepsTheSession() {
        Opened session = open(new UserId("alice"));
        Opened unchecked = open(new UserId("bob"));
        store().findByAccessToken(TokenHash.of(session.access()), T0);
        InMemoryTokenStore memory = (InMemoryTokenStore) store();
        assertThat(memory.cachedGrants()).isEqualTo(1);

        assertThat(store().purgeExpired(T0.plus(ACCESS_TTL).minus(MS))).isZero();
        assertThat(memory.cachedGrants()).as("access token still live").isEqualTo(1);
        assertThat(store().purgeExpired(T0.plus(ACCESS_TTL))).as("the sessions live on").isZero();
        assertThat(memory.cachedGrants()).isZero();

        Minted next = mint(T0.plus(ACCESS_TTL));
        assertThat(store().rotate(TokenHash.of(session.refresh()), next.successor(), T0.plus(ACCESS_TTL)))
                .isInstanceOf(Rotation.Rotated.class);
        assertThat(store().findByAccessToken(TokenHash.of(next.access()), T0.plus(ACCESS_TTL))).isPresent();
        assertThat(store().rotate(TokenHash.of(unchecked.refresh()), mint(T0).successor(), T0.plus(ACCESS_TTL)))
                .isInstanceOf(Rotation.Rotated.class);
    }

    @Test
    void sr71_checksRacingEpochChangesNeverLeaveAStaleGrantBehind() throws Exception {
        // A check that builds the grant while another thread raises the epoch must not cache the old epoch for
        // every check after the change.
        Opened session = open(new UserId("alice"));
        TokenHash access = TokenHash.of(session.access());
        try (Race race = new Race(4)) {
            for (int round = 1; round <= 200; round++) {
                long epoch = round;
                race.run(i -> () -> {
                    if (i == 0) {
                        return store().advanceSessionEpoch(session.id(), epoch);
                    }
                    for (int check = 0; check < 50; check++) {
                        store().findByAccessToken(access, T0);
                    }
                    return true;
                });
                assertThat(store().findByAccessToken(access, T0).orElseThrow().credentialEpoch())
                        .as("round %d", round).isEqualTo(epoch);
            }
        }
    }

    @Test
    void sr30_aFullAttemptTableShedsFinishedWindowsFirst() {
        for (int i = 0; i < InMemoryTokenStore.MAX_ATTEMPT_KEYS; i++) {
            store().recordFailedAttempt("spray:" + i, T0, Duration.ofSeconds(1));
        }
        Instant later = T0.plusSeconds(1);

        assertThat(store().recordFailedAttempt("user:alice", later, Duration.ofMinutes(15)).failures()).isEqualTo(1);

        assertThat(store().purgeExpired(later)).as("finished windows were already shed").isZero();
        assertThat(store().failedAttempts("user:alice", later).failures()).isEqualTo(1);
    }

    @Test
    void sr30_aTableFullOfLiveWindowsDropsJustEnoughForTheNewKey() {
        for (int i = 0; i < InMemoryTokenStore.MAX_ATTEMPT_KEYS; i++) {
            store().recordFailedAttempt("spray:" + i, T0, Duration.ofHours(1));
        }

        assertThat(store().recordFailedAttempt("user:alice", T0, Duration.ofHours(1)).failures()).isEqualTo(1);
        // A known key is counted in place: nothing more is dropped for it.
        assertThat(store().recordFailedAttempt("user:alice", T0, Duration.ofHours(1)).failures()).isEqualTo(2);

        assertThat(store().purgeExpired(T0.plus(Duration.ofHours(2))))
                .as("one spray key made room; the table never grew past its bound")
                .isEqualTo(InMemoryTokenStore.MAX_ATTEMPT_KEYS);
    }

    @Test
    void sr73_oneTimeTokensAreIndexedByUserAndTheIndexNeverOutlivesThem() {
        InMemoryTokenStore memory = (InMemoryTokenStore) store();
        UserId alice = new UserId("alice");
        // Many user-less OAuth states and two tokens of alice.
        for (int i = 0; i < 1000; i++) {
            memory.saveOneTimeToken(new OneTimeToken(TokenHash.of(newToken()), TokenPurpose.OAUTH_STATE, null,
                    T0.plusSeconds(600), "state"));
        }
        String reset = newToken();
        String confirm = newToken();
        memory.saveOneTimeToken(new OneTimeToken(TokenHash.of(reset), TokenPurpose.RESET_PASSWORD, alice,
                T0.plusSeconds(60), null));
        memory.saveOneTimeToken(new OneTimeToken(TokenHash.of(confirm), TokenPurpose.CONFIRM_EMAIL, alice,
                T0.plusSeconds(60), null));
        assertThat(memory.indexedOneTimeTokens(alice)).isEqualTo(2);

        assertThat(memory.deleteOneTimeTokens(alice, TokenPurpose.RESET_PASSWORD)).isEqualTo(1);
        assertThat(memory.indexedOneTimeTokens(alice)).isEqualTo(1);
        assertThat(memory.consumeOneTimeToken(TokenHash.of(confirm), TokenPurpose.CONFIRM_EMAIL, T0)).isPresent();
        assertThat(memory.indexedOneTimeTokens(alice)).as("consumed: gone from the index").isZero();

        String expiring = newToken();
        memory.saveOneTimeToken(new OneTimeToken(TokenHash.of(expiring), TokenPurpose.RESET_PASSWORD, alice,
                T0.plusSeconds(60), null));
        memory.purgeExpired(T0.plusSeconds(61));
        assertThat(memory.indexedOneTimeTokens(alice)).as("purged: gone from the index").isZero();
        assertThat(memory.deleteOneTimeTokens(alice, TokenPurpose.RESET_PASSWORD)).isZero();
    }
}
