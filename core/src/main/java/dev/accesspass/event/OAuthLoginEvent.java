package dev.accesspass.event;

import dev.accesspass.User;
import java.util.Map;

/**
 * A user logged in through an OAuth provider ({@link dev.accesspass.AuthHooks#afterOAuthLogin}).
 *
 * @param provider the configured provider name
 * @param profile  the flat profile the provider returned (also the session's meta)
 * @param created  whether the user was created by this login
 * @param linked   whether the identity was linked to an existing user by this login (false for a returning
 *                 identity and for a created user)
 */
public record OAuthLoginEvent(User user, String provider, Map<String, String> profile, boolean created,
                              boolean linked, String clientAddress) {
    public OAuthLoginEvent {
        profile = Map.copyOf(profile);
    }
}
