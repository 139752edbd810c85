package dev.accesspass.oauth;

import dev.accesspass.TokenResponse;
import dev.accesspass.User;
import java.util.Objects;

/**
 * What a finished OAuth callback did: a login (with its tokens), or a link of the provider identity to the user who
 * started it from a session ({@code POST /identities/{provider}/link}). {@link #flow()} is the value the page gave
 * when it started the flow, or {@code null}: a page checks it before it trusts what the callback hands it.
 * Immutable.
 */
public sealed interface OAuthOutcome {

    /** The start's {@code flow} value, or {@code null} if none was given. */
    String flow();

    /** A session was opened. */
    record LoggedIn(TokenResponse tokens, String flow) implements OAuthOutcome {
        public LoggedIn {
            Objects.requireNonNull(tokens, "tokens");
        }

        @Override
        public String toString() {
            return "LoggedIn[…]";
        }
    }

    /** The identity of {@code provider} is now linked to {@code user}; no session was opened. */
    record Linked(User user, String provider, String flow) implements OAuthOutcome {
        public Linked {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(provider, "provider");
        }
    }
}
