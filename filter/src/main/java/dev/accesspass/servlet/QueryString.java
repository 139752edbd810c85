package dev.accesspass.servlet;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A strict reading of a raw query string ({@code application/x-www-form-urlencoded}, UTF-8), for the routes that read
 * query parameters. The container's own parameter parsing is never used there: Jetty throws on {@code %zz} or a lone
 * {@code %}, and both containers silently replace bad UTF-8 ({@code %ff}, the overlong {@code %C0%AF}); here any of
 * these makes the whole query unreadable, and the route answers 4xx (SR-57). Stateless.
 */
final class QueryString {
    /** Queries longer than this are not read at all: no parameter of ours needs more. */
    static final int MAX_LENGTH = 8192;

    private QueryString() {
    }

    /** Every parameter with its values in order, or empty when the query is malformed or too long. */
    static Optional<Map<String, List<String>>> parse(String rawQuery) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Optional.of(parameters);
        }
        if (rawQuery.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        for (String pair : rawQuery.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            Optional<String> name = decode(equals < 0 ? pair : pair.substring(0, equals));
            Optional<String> value = decode(equals < 0 ? "" : pair.substring(equals + 1));
            if (name.isEmpty() || value.isEmpty()) {
                return Optional.empty();
            }
            parameters.computeIfAbsent(name.get(), key -> new ArrayList<>()).add(value.get());
        }
        return Optional.of(parameters);
    }

    /** The value of a parameter given exactly once; a repeated or missing one is {@code null}. */
    static String single(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        return values != null && values.size() == 1 ? values.get(0) : null;
    }

    /**
     * One {@code application/x-www-form-urlencoded} value, strictly (see the class comment); empty when it is not
     * valid. Also the decoding of Basic client credentials (RFC 6749 §2.3.1).
     */
    static Optional<String> decode(String encoded) {
        byte[] bytes = new byte[encoded.length()];
        int length = 0;
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    return Optional.empty();
                }
                int high = Character.digit(encoded.charAt(i + 1), 16);
                int low = Character.digit(encoded.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    return Optional.empty();
                }
                bytes[length++] = (byte) (high << 4 | low);
                i += 2;
            } else if (c == '+') {
                bytes[length++] = ' ';
            } else if (c < 0x21 || c > 0x7e) {
                return Optional.empty(); // raw non-ASCII or control characters are not a valid query
            } else {
                bytes[length++] = (byte) c;
            }
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length));
            String text = chars.toString();
            for (int i = 0; i < text.length(); i++) {
                if (Character.isISOControl(text.charAt(i))) {
                    return Optional.empty();
                }
            }
            return Optional.of(text);
        } catch (CharacterCodingException e) {
            return Optional.empty(); // bad UTF-8, overlong forms included
        }
    }
}
