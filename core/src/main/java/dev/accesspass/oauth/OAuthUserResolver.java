package dev.accesspass.oauth;

import dev.accesspass.store.UserStore;

/**
 * Decides which local user a new provider identity belongs to. Set one with
 * {@link dev.accesspass.AccessPass.Builder#oauthUserResolver}; without one, {@link #standard()} applies.
 *
 * <p>It is asked only for identities that are not linked yet: an identity already linked always logs in its own
 * user, so a resolver can never move an identity to another account. It must only decide; AccessPass performs the
 * writes, so a refused or failed login leaves nothing behind. Called on request threads: must be thread-safe.
 *
 * <pre>{@code
 * OAuthUserResolver companyOnly = (profile, users) ->
 *         profile.emailVerified() && profile.email() != null && profile.email().endsWith("@example.com")
 *                 ? OAuthUserResolver.standard().resolve(profile, users)
 *                 : OAuthResolution.refuse();
 * }</pre>
 */
@FunctionalInterface
public interface OAuthUserResolver {

    /**
     * @param profile what the provider reported
     * @param users   the user store, to look users up (read-only use expected)
     */
    OAuthResolution resolve(OAuthProfile profile, UserStore users);

    /**
     * The default policy (SR-49), documented in {@code docs/OAUTH.md}:
     * <ol>
     *   <li>a provider-verified email that belongs to a user whose email is confirmed: link to that user (a user
     *       with a password is not linked automatically: the login answers 409 {@code account_exists});</li>
     *   <li>a provider-verified email that belongs to an unconfirmed user: take that account over (its password is
     *       removed and its sessions revoked);</li>
     *   <li>a provider-verified email nobody has: create a confirmed user with it;</li>
     *   <li>an unverified email, or none: create a user with {@code email: null}; the address is never
     *       reserved and never linked on.</li>
     * </ol>
     */
    static OAuthUserResolver standard() {
        return StandardResolver.INSTANCE;
    }
}
