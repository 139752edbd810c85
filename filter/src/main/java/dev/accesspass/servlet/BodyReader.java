package dev.accesspass.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.accesspass.AccessPassException;
import dev.accesspass.ErrorCode;
import dev.accesspass.FieldErrors;
import jakarta.servlet.http.HttpServletRequest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads the body of a POST or DELETE route into its documented string fields (SR-61 to SR-64).
 *
 * <p>Notes for maintainers: this class is the only place request bodies are read, so every limit lives here.
 * <ul>
 *   <li>The size limit is enforced on the bytes actually read, not only on {@code Content-Length}, so chunked
 *       bodies and lying lengths are bounded too; at most {@code maxBytes + 1} bytes are ever buffered.</li>
 *   <li>Form bodies are parsed here rather than with {@code getParameter}: the container's limits are far larger
 *       than ours, it would merge query-string parameters into body fields, and it silently picks one of several
 *       values of a repeated parameter.</li>
 *   <li>Only the fields a route documents are looked at and returned; anything else ({@code roles}, {@code id},
 *       ...) is ignored, so no extra field can ever reach a store (mass assignment, SR-64).</li>
 *   <li>Values are never coerced: a JSON number where a string is expected is a validation error.</li>
 * </ul>
 *
 * <p>Thread-safety: stateless; all methods are safe to call from any number of request threads.
 */
final class BodyReader {
    /** Bytes of a streamed oversize body read and dropped before answering 413 (see {@code discardRest}). */
    static final long MAX_DISCARDED_BYTES = 4L << 20;

    /** Fields whose values are checked exactly as sent: control characters (even U+0000) are allowed (SR-26). */
    static final Set<String> PASSWORD_FIELDS = Set.of("password", "current_password", "password_confirmation");

    static final String NOT_A_STRING = "must be a string";
    static final String REPEATED = "must be given once";
    static final String BAD_CHARACTERS = "contains characters that are not allowed";

    private static final int READ_CHUNK = 8192;

    private enum MediaType { JSON, FORM }

    private BodyReader() {
    }

    /**
     * Reads the request body and returns the documented {@code fields} that are present, as strings. Fields that
     * are absent (or JSON {@code null}) are missing from the map; the routes report missing fields themselves.
     * Undocumented fields are ignored. The query string is never consulted.
     *
     * <p>Accepted bodies: {@code application/json} whose top level is an object, and
     * {@code application/x-www-form-urlencoded}, both UTF-8 (a {@code charset} parameter may be absent or
     * {@code utf-8}). An empty body without a {@code Content-Type} gives an empty map.
     *
     * <p>Thread-safe. Consumes the request's input stream.
     *
     * @param maxBytes the largest accepted body in bytes; a body of exactly this size is accepted
     * @param fields   the documented field names of the route
     * @return an unmodifiable map of field name to value, containing only names from {@code fields}
     * @throws AccessPassException {@link ErrorCode#PAYLOAD_TOO_LARGE} when the body (declared or read) exceeds
     *         {@code maxBytes}; {@link ErrorCode#UNSUPPORTED_MEDIA_TYPE} for any other content type, or a non-empty
     *         body without one; {@link ErrorCode#MALFORMED_REQUEST} for invalid UTF-8, invalid JSON or form syntax,
     *         a JSON top level that is not an object, or an I/O error while reading;
     *         {@link ErrorCode#VALIDATION_FAILED} when a documented field is not a string, is repeated in a form,
     *         or contains unpaired surrogates or (outside password fields) control characters
     * @throws IllegalArgumentException if {@code maxBytes} is negative or {@link Integer#MAX_VALUE}
     */
    static Map<String, String> readFields(HttpServletRequest request, int maxBytes, Set<String> fields) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(fields, "fields");
        if (maxBytes < 0 || maxBytes == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxBytes must be between 0 and " + (Integer.MAX_VALUE - 1)
                    + ", was " + maxBytes);
        }
        // Refuse a declared oversize body before reading a byte of it, so the client is not left waiting (SR-61).
        if (request.getContentLengthLong() > maxBytes) {
            throw tooLarge(maxBytes);
        }
        // An unsupported type is refused before reading too; an absent one is only refused if a body follows.
        MediaType mediaType = mediaType(request);
        byte[] body = readBounded(request, maxBytes);
        if (mediaType == null) {
            if (body.length == 0) {
                return Map.of();
            }
            throw new AccessPassException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "The request body needs a Content-Type of application/json or application/x-www-form-urlencoded.");
        }
        return mediaType == MediaType.JSON ? jsonFields(body, fields) : formFields(body, fields);
    }

    /** The largest body of a route that carries a WebAuthn credential: a credential is a few hundred bytes. */
    static final int MAX_CEREMONY_BYTES = 8192;
    /** The deepest nesting of such a body: {@code {credential:{clientExtensionResults:{credProps:{rk}}}}}. */
    static final int MAX_CEREMONY_DEPTH = 5;

    /** The string fields of a ceremony body and its {@code credential} object as compact JSON (or null). */
    record CeremonyBody(Map<String, String> fields, String credential) {
    }

    /**
     * Reads a body that may carry a WebAuthn {@code credential} (a JSON object: {@code RegistrationResponseJSON} or
     * {@code AuthenticationResponseJSON}) next to string {@code fields}, within tighter limits than other routes:
     * at most {@value #MAX_CEREMONY_BYTES} bytes (or {@code maxBytes} if lower) and {@value #MAX_CEREMONY_DEPTH}
     * levels. The credential is handed on as JSON text re-serialized from the parsed tree, never the raw bytes, so
     * what the verifier reads is exactly what passed these checks. A form body has no credential.
     *
     * @throws AccessPassException as {@link #readFields}; {@code validation_failed} when {@code credential} is not
     *         an object; {@code malformed_request} when the body nests too deeply
     */
    static CeremonyBody readCeremony(HttpServletRequest request, int maxBytes, Set<String> fields) {
        Objects.requireNonNull(request, "request");
        int limit = Math.min(maxBytes, MAX_CEREMONY_BYTES);
        if (request.getContentLengthLong() > limit) {
            throw tooLarge(limit);
        }
        MediaType mediaType = mediaType(request);
        byte[] body = readBounded(request, limit);
        if (mediaType == null) {
            if (body.length == 0) {
                return new CeremonyBody(Map.of(), null);
            }
            throw new AccessPassException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "The request body needs a Content-Type of application/json or application/x-www-form-urlencoded.");
        }
        if (mediaType == MediaType.FORM) {
            return new CeremonyBody(formFields(body, fields), null);
        }
        JsonNode root = Json.readTree(body);
        if (!root.isObject()) {
            throw new AccessPassException(ErrorCode.MALFORMED_REQUEST, "The request body must be a JSON object.");
        }
        if (depth(root, 0) > MAX_CEREMONY_DEPTH) {
            throw new AccessPassException(ErrorCode.MALFORMED_REQUEST, "The request body is nested too deeply.");
        }
        Map<String, String> values = jsonFields(root, fields);
        JsonNode credential = root.get("credential");
        if (credential == null || credential.isNull()) {
            return new CeremonyBody(values, null);
        }
        if (!credential.isObject()) {
            throw AccessPassException.validation(new FieldErrors().add("credential", "must be an object"));
        }
        return new CeremonyBody(values, new String(Json.write(credential), StandardCharsets.UTF_8));
    }

    private static int depth(JsonNode node, int level) {
        int deepest = level + 1;
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                deepest = Math.max(deepest, depth(child, level + 1));
            }
        }
        return deepest;
    }

    // ---- media type ---------------------------------------------------------------------------------------------

    /** The media type of the body, or {@code null} when no {@code Content-Type} was sent. */
    private static MediaType mediaType(HttpServletRequest request) {
        List<String> headers = request.getHeaders("Content-Type") == null
                ? List.of() : Collections.list(request.getHeaders("Content-Type"));
        if (headers.isEmpty()) {
            return null;
        }
        if (headers.size() > 1) {
            // Two Content-Type fields: there is no telling which one the sender meant.
            throw unsupportedMediaType();
        }
        return parseMediaType(headers.get(0));
    }

    /**
     * Parses a {@code Content-Type} value per RFC 9110 §8.3.1: type, subtype and parameter names are
     * case-insensitive, parameters are separated by {@code ;} with optional whitespace around it, and values may be
     * quoted strings. Only a {@code charset} of {@code utf-8} (or none) is accepted; other parameters are ignored,
     * since neither media type defines any.
     */
    private static MediaType parseMediaType(String header) {
        String[] parts = header.split(";", -1);
        String essence = parts[0].strip().toLowerCase(Locale.ROOT);
        MediaType type;
        if (essence.equals("application/json")) {
            type = MediaType.JSON;
        } else if (essence.equals("application/x-www-form-urlencoded")) {
            type = MediaType.FORM;
        } else {
            throw unsupportedMediaType();
        }
        boolean charsetSeen = false;
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip();
            if (parameter.isEmpty()) {
                continue; // RFC 9110 §5.6.6 allows empty list elements such as "a/b;;c=d"
            }
            int equals = parameter.indexOf('=');
            if (equals <= 0) {
                throw unsupportedMediaType();
            }
            String name = parameter.substring(0, equals).toLowerCase(Locale.ROOT);
            String value = unquote(parameter.substring(equals + 1));
            if (name.equals("charset")) {
                // A repeated charset is ambiguous; anything but UTF-8 would make us misread the bytes.
                if (charsetSeen || !value.equalsIgnoreCase("utf-8")) {
                    throw unsupportedMediaType();
                }
                charsetSeen = true;
            }
        }
        return type;
    }

    private static String unquote(String value) {
        if (value.length() < 2 || value.charAt(0) != '"' || value.charAt(value.length() - 1) != '"') {
            return value;
        }
        StringBuilder unquoted = new StringBuilder(value.length());
        for (int i = 1; i < value.length() - 1; i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length() - 1) {
                c = value.charAt(++i); // quoted-pair
            }
            unquoted.append(c);
        }
        return unquoted.toString();
    }

    // ---- reading ------------------------------------------------------------------------------------------------

    /** Reads the whole body, failing as soon as more than {@code maxBytes} bytes arrive. */
    private static byte[] readBounded(HttpServletRequest request, int maxBytes) {
        long declared = request.getContentLengthLong();
        int limit = maxBytes + 1;
        // Size the buffer from the declared length when there is one, but never trust it beyond the limit.
        ByteArrayOutputStream body = new ByteArrayOutputStream(declared >= 0 ? (int) declared : Math.min(limit, 1024));
        byte[] chunk = new byte[Math.min(READ_CHUNK, limit)];
        try {
            InputStream in = request.getInputStream();
            int total = 0;
            while (true) {
                // Never ask for more than one byte past the limit: that byte is enough to know the body is too big.
                int read = in.read(chunk, 0, Math.min(chunk.length, limit - total));
                if (read < 0) {
                    break;
                }
                total += read;
                if (total > maxBytes) {
                    discardRest(in, chunk);
                    throw tooLarge(maxBytes);
                }
                body.write(chunk, 0, read);
            }
        } catch (IOException | UncheckedIOException e) {
            // The client went away or sent a broken chunked encoding; there is nothing left to answer but 400.
            throw new AccessPassException(ErrorCode.MALFORMED_REQUEST, "The request body could not be read.", e);
        }
        return body.toByteArray();
    }

    /**
     * Reads and drops what a client is still streaming past the limit, up to {@link #MAX_DISCARDED_BYTES}, before
     * the 413 goes out. Closing a connection on unread bytes makes TCP answer with a reset, and a client still
     * uploading then sees "connection reset" instead of the 413. Only the small chunk buffer is reused, so heap does
     * not grow (SR-61). A declared oversize length is refused without this, so a lying client is never waited for.
     */
    private static void discardRest(InputStream in, byte[] chunk) throws IOException {
        long discarded = 0;
        for (int read; discarded < MAX_DISCARDED_BYTES && (read = in.read(chunk)) != -1; ) {
            discarded += read;
        }
    }

    // ---- JSON ---------------------------------------------------------------------------------------------------

    private static Map<String, String> jsonFields(byte[] body, Set<String> fields) {
        JsonNode root = Json.readTree(body);
        if (!root.isObject()) {
            throw new AccessPassException(ErrorCode.MALFORMED_REQUEST, "The request body must be a JSON object.");
        }
        return jsonFields(root, fields);
    }

    private static Map<String, String> jsonFields(JsonNode root, Set<String> fields) {
        FieldErrors errors = new FieldErrors();
        Map<String, String> values = new LinkedHashMap<>();
        // Walk the documented fields, not the document: extra members are never even looked at.
        for (String field : fields) {
            JsonNode value = root.get(field);
            if (value == null || value.isNull()) {
                continue;
            }
            if (!value.isTextual()) {
                // No coercion: 42 or true is not the string "42" (SR-62, ASVS 15.3.5).
                errors.add(field, NOT_A_STRING);
                continue;
            }
            accept(field, value.textValue(), values, errors);
        }
        errors.throwIfAny();
        return Collections.unmodifiableMap(values);
    }

    // ---- form ---------------------------------------------------------------------------------------------------

    private static Map<String, String> formFields(byte[] body, Set<String> fields) {
        Map<String, String> found = new HashMap<>();
        FieldErrors errors = new FieldErrors();
        int start = 0;
        while (start <= body.length) {
            int end = indexOf(body, (byte) '&', start);
            if (end > start) {
                // The whole body is decoded, not only documented fields, so that it is valid or refused as a whole.
                int equals = indexOf(body, (byte) '=', start);
                int nameEnd = equals < end ? equals : end;
                String name = percentDecode(body, start, nameEnd);
                String value = equals < end ? percentDecode(body, equals + 1, end) : "";
                if (fields.contains(name) && found.putIfAbsent(name, value) != null && !errors.has(name)) {
                    // Parameter pollution (SR-64, ASVS 15.3.7): frameworks disagree on which copy wins.
                    errors.add(name, REPEATED);
                }
            }
            // Empty pairs ("a=1&&b=2", a trailing "&") are skipped, as the WHATWG URL standard does.
            start = end + 1;
        }
        errors.throwIfAny();
        Map<String, String> values = new LinkedHashMap<>();
        for (String field : fields) {
            String value = found.get(field);
            if (value != null) {
                accept(field, value, values, errors);
            }
        }
        errors.throwIfAny();
        return Collections.unmodifiableMap(values);
    }

    private static int indexOf(byte[] bytes, byte wanted, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return bytes.length;
    }

    /** Decodes {@code +} as space and {@code %XX} as a byte, then the bytes as strict UTF-8. */
    private static String percentDecode(byte[] body, int from, int to) {
        byte[] decoded = new byte[to - from];
        int length = 0;
        for (int i = from; i < to; i++) {
            byte b = body[i];
            if (b == '+') {
                decoded[length++] = ' ';
            } else if (b == '%') {
                int high = i + 2 < to ? hexValue(body[i + 1]) : -1;
                int low = i + 2 < to ? hexValue(body[i + 2]) : -1;
                if (high < 0 || low < 0) {
                    throw new AccessPassException(ErrorCode.MALFORMED_REQUEST,
                            "The form body has an invalid percent escape.");
                }
                decoded[length++] = (byte) ((high << 4) | low);
                i += 2;
            } else {
                decoded[length++] = b;
            }
        }
        byte[] exact = new byte[length];
        System.arraycopy(decoded, 0, exact, 0, length);
        return Json.decodeUtf8(exact);
    }

    private static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    // ---- characters ---------------------------------------------------------------------------------------------

    private static void accept(String field, String value, Map<String, String> values, FieldErrors errors) {
        if (hasForbiddenCharacters(value, PASSWORD_FIELDS.contains(field))) {
            errors.add(field, BAD_CHARACTERS);
        } else {
            values.put(field, value);
        }
    }

    /**
     * True if {@code value} has an unpaired surrogate, or (unless {@code controlsAllowed}) a C0 or C1 control
     * character. Strict UTF-8 cannot produce an unpaired surrogate, but a JSON {@code \uD800} escape can; Java's
     * UTF-8 encoder would store it as {@code ?}, so two different names could collide, and PostgreSQL refuses
     * U+0000 (SR-63).
     */
    static boolean hasForbiddenCharacters(String value, boolean controlsAllowed) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++; // a valid pair
                    continue;
                }
                return true;
            }
            if (Character.isLowSurrogate(c)) {
                return true;
            }
            if (!controlsAllowed && (c <= 0x1F || (c >= 0x7F && c <= 0x9F))) {
                return true;
            }
        }
        return false;
    }

    // ---- errors -------------------------------------------------------------------------------------------------

    private static AccessPassException tooLarge(int maxBytes) {
        return new AccessPassException(ErrorCode.PAYLOAD_TOO_LARGE,
                "The request body is larger than " + maxBytes + " bytes.");
    }

    private static AccessPassException unsupportedMediaType() {
        return new AccessPassException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                "The request body must be application/json or application/x-www-form-urlencoded, in UTF-8.");
    }
}
