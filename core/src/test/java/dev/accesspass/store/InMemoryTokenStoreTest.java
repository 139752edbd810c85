package dev.accesspass.store;

import dev.accesspass.UserId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
