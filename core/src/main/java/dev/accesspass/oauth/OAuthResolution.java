package dev.accesspass.oauth;

import dev.accesspass.UserId;
import java.util.Objects;

/**
 * The decision an {@link OAuthUserResolver} makes for an identity that is not linked to any user yet. AccessPass
 * carries it out: it links the identity, and opens the session; a refusal answers 400 {@code oauth_failed} and
 * writes nothing.
 */
public sealed interface OAuthResolution {

    /**
     * Link the identity to this existing user. Only safe when both sides verified the same email (SR-49). A user
     * with a password is never linked this way, whatever the resolver says: the login answers 409
     * {@code account_exists}, and the user logs in and links from the session ({@code POST /identities/{p}/link}).
     */
    static OAuthResolution link(UserId user) {
        return new Link(user);
    }

    /**
     * Link the identity to this existing but unconfirmed user, taking the account over: its password is removed,
     * every session and pending confirmation or reset token revoked, and its email marked confirmed, so a password
     * set by whoever pre-registered the address never works again (SR-49). Use only when the provider verified the
     * account's email address.
     */
    static OAuthResolution takeOver(UserId user) {
        return new TakeOver(user);
    }

    /**
     * Create a user without a password. The username is a wish: AccessPass makes it valid and unique.
     *
     * @param email          the provider-verified email, or {@code null}: an unverified address is never kept
     * @param emailConfirmed true only if the provider verified the email
     */
    static OAuthResolution create(String username, String email, boolean emailConfirmed) {
        return new Create(username, email, emailConfirmed);
    }

    /** Refuse the login (400 {@code oauth_failed}). */
    static OAuthResolution refuse() {
        return new Refuse();
    }

    /** See {@link OAuthResolution#link}. */
    record Link(UserId user) implements OAuthResolution {
        public Link {
            Objects.requireNonNull(user, "user");
        }
    }

    /** See {@link OAuthResolution#takeOver}. */
    record TakeOver(UserId user) implements OAuthResolution {
        public TakeOver {
            Objects.requireNonNull(user, "user");
        }
    }

    /** See {@link OAuthResolution#create}. */
    record Create(String username, String email, boolean emailConfirmed) implements OAuthResolution {
        public Create {
            if (email == null && emailConfirmed) {
                throw new IllegalArgumentException("a user without an email cannot have it confirmed");
            }
        }
    }

    /** See {@link OAuthResolution#refuse}. */
    record Refuse() implements OAuthResolution {
    }
}
