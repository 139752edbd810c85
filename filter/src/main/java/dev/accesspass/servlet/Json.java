package dev.accesspass.servlet;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.accesspass.AccessPassException;
import dev.accesspass.ErrorCode;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one strictly configured Jackson mapper of the servlet layer, for reading request bodies and writing responses
 * (SR-62).
 *
 * <p>Reading is strict: the bytes must be valid UTF-8, duplicate keys, trailing content and documents beyond tight
 * limits (nesting depth {@value #MAX_NESTING_DEPTH}, numbers of {@value #MAX_NUMBER_LENGTH} characters, strings of
 * {@value #MAX_STRING_LENGTH} characters, names of {@value #MAX_NAME_LENGTH} characters) are rejected. Only trees are
 * read, never bound to classes, and default typing is never enabled, so no polymorphic deserialization can happen.
 *
 * <p>Thread-safety: the mapper is fully configured in the static initializer and never changed afterwards, which
 * makes it safe to share between request threads (Jackson's documented contract for {@link ObjectMapper}).
 */
final class Json {
    static final int MAX_NESTING_DEPTH = 16;
    static final int MAX_NUMBER_LENGTH = 32;
    static final int MAX_STRING_LENGTH = 4096;
    static final int MAX_NAME_LENGTH = 256;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    // Jackson's defaults (depth 1000, 20 MB strings) are made for trusted documents; our bodies
                    // are a handful of short strings, so anything bigger is an attack or a bug.
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .maxNumberLength(MAX_NUMBER_LENGTH)
                            .maxStringLength(MAX_STRING_LENGTH)
                            .maxNameLength(MAX_NAME_LENGTH)
                            .build())
                    // RFC 8259 §4: with duplicate names, parsers disagree on which one wins (ASVS 1.5.3).
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build();

    private Json() {
    }

    /**
     * Parses {@code utf8} as one JSON document. The bytes are decoded as strict UTF-8 first, so that malformed
     * sequences are refused instead of silently replaced by U+FFFD. Does not check the type of the top-level value.
     *
     * <p>Thread-safe.
     *
     * @throws AccessPassException {@link ErrorCode#MALFORMED_REQUEST} for invalid UTF-8, invalid JSON, trailing
     *         content, duplicate keys or a document over the limits; the detail never echoes the input
     */
    static JsonNode readTree(byte[] utf8) {
        String text = decodeUtf8(utf8);
        try {
            JsonNode tree = MAPPER.readTree(text);
            if (tree == null || tree.isMissingNode()) {
                throw new AccessPassException(ErrorCode.MALFORMED_REQUEST, "The request body is empty.");
            }
            return tree;
        } catch (StreamConstraintsException e) {
            throw new AccessPassException(ErrorCode.MALFORMED_REQUEST,
                    "The request body is nested too deeply or has a value that is too long.", e);
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the input and names Java types, so it must not become the detail (SR-55).
            throw new AccessPassException(ErrorCode.MALFORMED_REQUEST, "The request body is not valid JSON.", e);
        }
    }

    /**
     * Serializes {@code value} (maps, lists, records, strings, numbers, booleans) to UTF-8 JSON. Null values are
     * written as {@code null}, as the token response needs {@code "refresh_expires_in":null}.
     *
     * <p>Thread-safe.
     *
     * @throws IllegalArgumentException if the value cannot be serialized (a programming error, not client input)
     */
    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot serialize a " + (value == null ? "null" : value.getClass())
                    + " to JSON", e);
        }
    }

    /**
     * Decodes {@code bytes} as UTF-8, refusing malformed input, overlong forms and encoded surrogates.
     *
     * @throws AccessPassException {@link ErrorCode#MALFORMED_REQUEST} if the bytes are not valid UTF-8
     */
    static String decodeUtf8(byte[] bytes) {
        // A fresh decoder per call: CharsetDecoder is stateful and not thread-safe.
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return decoder.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new AccessPassException(ErrorCode.MALFORMED_REQUEST, "The request body is not valid UTF-8.", e);
        }
    }
}
