package dev.accesspass.benchmarks;

import dev.accesspass.AccessPass;
import dev.accesspass.UserId;
import dev.accesspass.store.NewUser;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/** The set-up the in-memory token-check benchmarks share: users with a few sessions each, opened through the API. */
final class LiveSessions {
    private LiveSessions() {
    }

    /**
     * Opens {@code sessions} sessions through {@code accessPass}, {@code perUser} per user, for users made by
     * {@link #newUser}.
     *
     * @return the sessions' access tokens, in opening order
     */
    static String[] open(AccessPass accessPass, int sessions, int perUser) {
        String[] tokens = new String[sessions];
        UserId user = null;
        for (int i = 0; i < sessions; i++) {
            if (i % perUser == 0) {
                user = newUser(accessPass, i);
            }
            tokens[i] = accessPass.openSession(user, Map.of()).accessToken();
        }
        return tokens;
    }

    /**
     * A user {@code user<i>} without a password (as if signed up through a provider: no Argon2 work in set-up), in
     * {@code accessPass}'s user store.
     */
    static UserId newUser(AccessPass accessPass, int i) {
        return accessPass.userStore().create(new NewUser("user" + i, "user" + i + "@example.com", true, null,
                Set.of("user"), Instant.now())).id();
    }
}
