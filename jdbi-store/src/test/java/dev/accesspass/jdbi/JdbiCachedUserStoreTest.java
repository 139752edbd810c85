package dev.accesspass.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.UserId;
import dev.accesspass.store.NewUser;
import dev.accesspass.store.UserRecord;
import dev.accesspass.store.UserStore;
import dev.accesspass.store.UserStoreContract;
import dev.accesspass.testing.Await;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JDBI user store with the user cache on ({@code token-cache-ttl} above zero) against the same shared contract:
 * the cache must be invisible to every caller on the instance itself. Also a direct check of the cross-instance
 * eviction with two caches on one database.
 */
class JdbiCachedUserStoreTest extends UserStoreContract {
    @RegisterExtension
    static final EmbeddedDatabase POSTGRES = new EmbeddedDatabase();
    private ValidationCache cache;

    @Override
    protected UserStore newStore() {
        Database database = POSTGRES.emptiedRacingPool();
        cache = listening(new ValidationCache(database, Duration.ofSeconds(60)));
        return new JdbiUserStore(database, cache, () -> { });
    }

    @Override
    protected void cleanUp(UserStore store) {
        cache.close();
    }

    private static ValidationCache listening(ValidationCache cache) {
        Await.until("the listener started", cache::active);
        return cache;
    }

    @Test
    void aRoleChangeOnOneInstanceEvictsTheCachedUserOnAnother() {
        try (ValidationCache otherCache = listening(new ValidationCache(POSTGRES.racingPool(),
                Duration.ofSeconds(60)))) {
            JdbiUserStore other = new JdbiUserStore(POSTGRES.racingPool(), otherCache, () -> { });
            UserRecord created = store().create(new NewUser("cached", "cached@example.com", false, null, Set.of(),
                    Instant.now().truncatedTo(ChronoUnit.MICROS)));
            UserId id = created.id();
            assertThat(other.findById(id)).get().extracting(UserRecord::roles).isEqualTo(Set.of());
            assertThat(otherCache.getUser(id)).as("cached on the other instance").isNotNull();

            store().updateRoles(id, Set.of("admin"), Set.of());
            assertThat(store().findById(id)).get().extracting(UserRecord::roles).isEqualTo(Set.of("admin"));
            // Generous bounds (the cache TTL is 60 s, so only the notification can evict in time); the target of
            // milliseconds is measured by benchmarks' RevocationPropagationProbe.
            Await.until("the role change evicted the other cache",
                    () -> other.findById(id).orElseThrow().roles().contains("admin"));
            assertThat(other.findById(id)).get().extracting(UserRecord::roles).isEqualTo(Set.of("admin"));

            assertThat(store().delete(id)).isTrue();
            Await.until("the deletion evicted the other cache", () -> other.findById(id).isEmpty());
            assertThat(other.findById(id)).isEmpty();
        }
    }
}
