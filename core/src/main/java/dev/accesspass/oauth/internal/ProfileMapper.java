package dev.accesspass.oauth.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.accesspass.oauth.OAuthProfile;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns provider JSON into an {@link OAuthProfile}. Stateless, thread-safe.
 *
 * <p>Only scalar top-level fields become attributes, capped in number and length, so a provider cannot make us store
 * an unbounded blob with every session.
 */
public final class ProfileMapper {
    static final int MAX_ATTRIBUTES = 64;
    static final int MAX_VALUE_LENGTH = 1024;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ProfileMapper() {
    }

    /** Parses a JSON body; throws {@link IllegalArgumentException} when it is not a JSON object. */
    public static JsonNode parse(String body) {
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON", e);
        }
    }

    /**
     * GitHub: the subject is the numeric {@code id}; the email and its verification come from {@code /user/emails}
     * (the primary address, verified or not), never from the public profile's {@code email}, which GitHub does not
     * vouch for.
     *
     * @param emails the {@code /user/emails} array, or {@code null} if it could not be read
     */
    public static OAuthProfile github(String provider, JsonNode user, JsonNode emails) {
        JsonNode id = user.get("id");
        if (id == null || !id.canConvertToLong()) {
            throw new IllegalArgumentException("GitHub profile without a numeric id");
        }
        String email = null;
        boolean verified = false;
        if (emails != null && emails.isArray()) {
            for (JsonNode entry : emails) {
                if (entry.path("primary").asBoolean(false) && entry.path("email").isTextual()) {
                    email = entry.get("email").asText();
                    verified = entry.path("verified").asBoolean(false);
                }
            }
        }
        Map<String, String> attributes = flatten(user);
        if (email != null) {
            attributes.put("email", email);
            attributes.put("email_verified", Boolean.toString(verified));
        } else {
            attributes.remove("email");
        }
        return new OAuthProfile(provider, Long.toString(id.asLong()), email, verified, text(user, "login"),
                text(user, "name"), attributes);
    }

    /**
     * OpenID Connect userinfo (Google and generic providers): {@code sub}, {@code email}, {@code email_verified}
     * (a boolean, or the string {@code "true"} as some providers send), {@code preferred_username}, {@code name}.
     * A plain OAuth 2.0 provider without {@code sub} may use {@code id}.
     */
    public static OAuthProfile oidc(String provider, JsonNode userinfo) {
        String subject = text(userinfo, "sub");
        if (subject == null) {
            subject = text(userinfo, "id");
        }
        if (subject == null || subject.isEmpty()) {
            throw new IllegalArgumentException("userinfo without sub");
        }
        JsonNode verifiedNode = userinfo.get("email_verified");
        boolean verified = verifiedNode != null
                && (verifiedNode.isBoolean() ? verifiedNode.asBoolean() : "true".equals(verifiedNode.asText()));
        String login = text(userinfo, "preferred_username");
        if (login == null) {
            login = text(userinfo, "login");
        }
        return new OAuthProfile(provider, subject, text(userinfo, "email"), verified, login, text(userinfo, "name"),
                flatten(userinfo));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.isContainerNode()) {
            return null;
        }
        String text = value.asText();
        return text.isEmpty() ? null : text;
    }

    private static Map<String, String> flatten(JsonNode node) {
        Map<String, String> flat = new LinkedHashMap<>();
        var fields = node.fields();
        while (fields.hasNext() && flat.size() < MAX_ATTRIBUTES) {
            var field = fields.next();
            JsonNode value = field.getValue();
            if (value.isValueNode() && !value.isNull() && field.getKey().length() <= 64) {
                String text = value.asText();
                flat.put(field.getKey(), text.length() > MAX_VALUE_LENGTH ? text.substring(0, MAX_VALUE_LENGTH) : text);
            }
        }
        return flat;
    }
}
