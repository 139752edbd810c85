package dev.accesspass.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.SessionId;
import dev.accesspass.UserId;
import dev.accesspass.testing.Race;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store's access-token index ({@link AccessIndex}) through the store's own methods: probing through
 * clusters and past removed pairs, growing and giving memory back, every word of the digest compared, and checks
 * racing the writes that move pairs around.
 */
class AccessIndexTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration TTL = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final InMemoryTokenStore store = new InMemoryTokenStore();

    /** A digest whose first word's low 32 bits are {@code low}: all such digests start their probe at one slot. */
    private static TokenHash digest(int low) {
        long high = RANDOM.nextLong() & 0xFFFF_FFFF_0000_0000L;
        return new TokenHash(high | (low & 0xFFFF_FFFFL), RANDOM.nextLong(), RANDOM.nextLong(), RANDOM.nextLong());
    }

    private SessionId open(TokenHash access) {
        return store.createSession(new NewSession(new UserId("u" + RANDOM.nextInt(50)), 0, T0, null, Map.of(), access,
                T0.plus(TTL), digest(RANDOM.nextInt()), T0.plus(Duration.ofDays(1))));
    }

    private boolean found(TokenHash access) {
        return store.findByAccessToken(access, T0).isPresent();
    }

    @Test
    void pairsOfOneClusterAreEachFoundAndRemovingSomeKeepsTheOthersFound() {
        List<TokenHash> digests = new ArrayList<>();
        List<SessionId> sessions = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            TokenHash access = digest(7); // one start slot for all: one long cluster
            digests.add(access);
            sessions.add(open(access));
        }
        assertThat(digests).allMatch(this::found);
        assertThat(store.findByAccessToken(digest(7), T0)).as("a digest of the cluster's slot never issued").isEmpty();

        for (int i = 0; i < 24; i += 2) {
            assertThat(store.revokeSession(sessions.get(i))).isTrue();
        }
        for (int i = 0; i < 24; i++) {
            assertThat(found(digests.get(i))).as("pair %d", i).isEqualTo(i % 2 == 1);
        }
        // New pairs of the same cluster take the removed pairs' places; all are found.
        List<TokenHash> later = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            TokenHash access = digest(7);
            later.add(access);
            open(access);
        }
        assertThat(later).allMatch(this::found);
        for (int i = 1; i < 24; i += 2) {
            assertThat(found(digests.get(i))).isTrue();
        }
        assertThat(store.accessIndex().size()).isEqualTo(24);
    }

    @Test
    void sr03_aDigestIsFoundOnlyWhenAllFourWordsMatch() {
        TokenHash access = digest(11);
        open(access);
        assertThat(found(access)).isTrue();
        assertThat(found(new TokenHash(access.w0, access.w1, access.w2, access.w3))).as("an equal copy").isTrue();
        assertThat(found(new TokenHash(access.w0, access.w1, access.w2, access.w3 ^ 1))).isFalse();
        assertThat(found(new TokenHash(access.w0, access.w1 ^ Long.MIN_VALUE, access.w2, access.w3))).isFalse();
        assertThat(found(new TokenHash(access.w0 ^ (1L << 40), access.w1, access.w2, access.w3))).isFalse();
    }

    @Test
    void theIndexGrowsWithItsPairsAndGivesMemoryBackWhenMostAreGone() {
        List<TokenHash> digests = new ArrayList<>();
        List<SessionId> sessions = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            TokenHash access = digest(RANDOM.nextInt());
            digests.add(access);
            sessions.add(open(access));
        }
        AccessIndex index = store.accessIndex();
        assertThat(index.size()).isEqualTo(20_000);
        assertThat(index.capacity()).isGreaterThanOrEqualTo(2 * 20_000).isLessThanOrEqualTo(8 * 20_000);
        assertThat(digests).allMatch(this::found);

        for (int i = 10; i < sessions.size(); i++) {
            store.revokeSession(sessions.get(i));
        }
        assertThat(index.size()).isEqualTo(10);
        assertThat(index.capacity()).isLessThanOrEqualTo(256);
        for (int i = 0; i < digests.size(); i++) {
            assertThat(found(digests.get(i))).isEqualTo(i < 10);
        }
        assertThat(store.allDigests()).containsAll(digests.subList(0, 10));
    }

    /**
     * A remembered answer takes its pair's place in the index: it is found by the same digest, carried through the
     * array's growth and shrinking, counted as its pair, and removed with its session.
     */
    @Test
    void rememberedAnswersTakeTheirPairsPlacesThroughGrowthAndRemoval() {
        MemoSlots slots = store;
        UserCells.Cell cell = new UserCells.Cell(null);
        List<TokenHash> digests = new ArrayList<>();
        List<SessionId> sessions = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            TokenHash access = digest(RANDOM.nextInt(16)); // a few long clusters
            digests.add(access);
            sessions.add(open(access));
            MemoSlots.Slot slot = slots.findSlot(access, T0.toEpochMilli());
            slots.remember(slot, slot.grant(), cell, null, access); // the answer: the digest itself
        }
        AccessIndex index = store.accessIndex();
        int capacity = index.capacity();
        for (int i = 0; i < 20_000; i++) {
            sessions.add(open(digest(RANDOM.nextInt())));
        }
        assertThat(index.capacity()).as("grown").isGreaterThan(capacity);
        assertThat(index.size()).isEqualTo(20_200);
        for (TokenHash access : digests) {
            assertThat(slots.findSlot(access, T0.toEpochMilli()).recall()).isSameAs(access);
        }
        assertThat(store.allDigests()).containsAll(digests);

        for (int i = 100; i < sessions.size(); i++) {
            assertThat(store.revokeSession(sessions.get(i))).isTrue();
        }
        assertThat(index.size()).isEqualTo(100);
        assertThat(index.capacity()).as("shrunk").isLessThanOrEqualTo(1024);
        for (int i = 0; i < digests.size(); i++) {
            MemoSlots.Slot slot = slots.findSlot(digests.get(i), T0.toEpochMilli());
            if (i < 100) {
                assertThat(slot.recall()).isSameAs(digests.get(i));
            } else {
                assertThat(slot).as("revoked %d", i).isNull();
                assertThat(found(digests.get(i))).isFalse();
            }
        }
    }

    /**
     * SR-09 with pairs moving: while one thread opens and revokes sessions (the array grows, shrinks and fills with
     * markers), checks of sessions that stay are always found, and a revoked session is never found once its
     * revocation returned.
     */
    @Test
    void sr09_checksRacingOpeningsRevocationsAndRebuildsSeeExactlyTheLiveSessions() throws Exception {
        List<TokenHash> staying = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            TokenHash access = digest(RANDOM.nextInt(64)); // crowded into few clusters
            staying.add(access);
            open(access);
        }
        ConcurrentLinkedQueue<TokenHash> revoked = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Long> checks = Race.race(4, thread -> () -> {
            if (thread == 0) {
                try {
                    for (int round = 0; round < 30; round++) {
                        List<SessionId> batch = new ArrayList<>();
                        List<TokenHash> digests = new ArrayList<>();
                        for (int i = 0; i < 3_000; i++) { // grows the array, then most of it goes again
                            TokenHash access = digest(RANDOM.nextInt(64));
                            digests.add(access);
                            batch.add(open(access));
                        }
                        for (int i = 0; i < batch.size(); i++) {
                            store.revokeSession(batch.get(i));
                            if (i % 100 == 0) {
                                revoked.add(digests.get(i));
                            }
                        }
                    }
                } finally {
                    running.set(false);
                }
                return 0L;
            }
            long made = 0;
            while (running.get()) {
                for (TokenHash access : staying) {
                    if (!found(access)) {
                        throw new AssertionError("a live session was not found");
                    }
                }
                for (TokenHash gone : revoked) {
                    if (found(gone)) {
                        throw new AssertionError("a session was found after its revocation returned");
                    }
                }
                made += staying.size();
            }
            return made;
        });
        assertThat(checks.stream().mapToLong(Long::longValue).sum()).isPositive();
        assertThat(staying).allMatch(this::found);
        assertThat(store.accessIndex().size()).isEqualTo(200);
    }
}
