package dev.accesspass.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;

/**
 * The HTTP Basic client credentials of an {@code /introspect} request (RFC 7617, with RFC 6749 §2.3.1's rule that
 * the id and the secret are each form-encoded before they are joined with {@code :} and base64-encoded).
 *
 * <p>Anything that is not exactly one {@code Authorization: Basic <base64>} header whose decoding is valid UTF-8
 * with a {@code :} and two valid form-encoded parts is "no credentials", which the caller answers with 401
 * {@code invalid_client}: a Bearer header, several headers, bad base64, no colon, bad percent-encoding. The header is
 * bounded before any decoding. Stateless; never throws for client input.
 */
final class BasicCredentials {
    /** Twice the longest id and secret the configuration accepts, form-encoded and in base64, and some room. */
    static final int MAX_HEADER_LENGTH = 4096;
    private static final String SCHEME = "basic ";

    /** A decoded client id and secret. */
    record Client(String id, String secret) {
        @Override
        public String toString() {
            return "Client[" + id + ", secret=<redacted>]";
        }
    }

    private BasicCredentials() {
    }

    static Optional<Client> from(HttpServletRequest request) {
        Enumeration<String> headers = request.getHeaders("Authorization");
        return parse(headers == null ? List.of() : Collections.list(headers));
    }

    static Optional<Client> parse(List<String> headerValues) {
        if (headerValues == null || headerValues.size() != 1) {
            return Optional.empty(); // none, or more than one credential: nothing to pick from safely
        }
        String value = headerValues.get(0);
        if (value == null || value.length() <= SCHEME.length() || value.length() > MAX_HEADER_LENGTH
                || !value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return Optional.empty();
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(value.substring(SCHEME.length()));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // not base64 (a second space, stray characters, bad padding)
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(decoded)).toString();
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        Optional<String> id = QueryString.decode(text.substring(0, colon));
        Optional<String> secret = QueryString.decode(text.substring(colon + 1));
        if (id.isEmpty() || secret.isEmpty() || id.get().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Client(id.get(), secret.get()));
    }
}
