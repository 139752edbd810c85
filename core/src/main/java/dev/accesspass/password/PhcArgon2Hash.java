package dev.accesspass.password;

import java.util.Base64;

/**
 * A parsed Argon2 PHC string, {@code $argon2<x>$v=<ver>$m=<KiB>,t=<iter>,p=<lanes>$<salt>$<hash>}.
 *
 * <p>Parsing is strict and bounded: the whole string is length-limited, numbers are plain decimal digits, and the
 * cost parameters are checked against the SR-21 ceiling before the salt and hash are even decoded, so a corrupted
 * or hostile stored hash can never make the verifier allocate gigabytes. Immutable (the arrays are never exposed
 * for writing outside this package) and thread-safe.
 */
final class PhcArgon2Hash {

    static final String ARGON2ID = "argon2id";
    static final String ARGON2I = "argon2i";
    static final String ARGON2D = "argon2d";
    /** Argon2 version 1.3, written {@code v=19}; the only version new hashes use. */
    static final int VERSION_13 = 0x13;
    /** Argon2 version 1.0; PHC strings without {@code v=} are this version (reference implementation behaviour). */
    static final int VERSION_10 = 0x10;

    /** Far above any legitimate string (about 100 chars at our sizes); bounds the work of parsing itself. */
    private static final int MAX_ENCODED_LENGTH = 512;
    /** Argon2 allows salts from 8 bytes; 800-63B asks for at least 32 bits. 64 bytes is generous for imports. */
    private static final int MIN_SALT_BYTES = 8;
    private static final int MAX_SALT_BYTES = 64;
    /** Argon2's minimum tag length is 4 bytes; 128 bytes is generous for imports. */
    private static final int MIN_HASH_BYTES = 4;
    private static final int MAX_HASH_BYTES = 128;
    /** Enough for 1048576 without letting Long.parseLong see absurd inputs. */
    private static final int MAX_DIGITS = 9;

    final String variant;
    final int version;
    final int memoryKiB;
    final int iterations;
    final int parallelism;
    final byte[] salt;
    final byte[] hash;

    private PhcArgon2Hash(String variant, int version, int memoryKiB, int iterations, int parallelism,
                          byte[] salt, byte[] hash) {
        this.variant = variant;
        this.version = version;
        this.memoryKiB = memoryKiB;
        this.iterations = iterations;
        this.parallelism = parallelism;
        this.salt = salt;
        this.hash = hash;
    }

    /**
     * Parses and bounds-checks an Argon2 PHC string.
     *
     * @param encoded a string already known to start with {@code $argon2}
     * @return the parsed hash
     * @throws InvalidHashException if the string is malformed or above the SR-21 ceiling; its message is log-safe
     */
    static PhcArgon2Hash parse(String encoded) throws InvalidHashException {
        if (encoded.length() > MAX_ENCODED_LENGTH) {
            throw new InvalidHashException("argon2 hash is longer than " + MAX_ENCODED_LENGTH + " characters");
        }
        // limit -1 keeps trailing empty fields, so "...$salt$" is caught as an empty hash rather than ignored.
        String[] parts = encoded.split("\\$", -1);
        if (parts.length < 5 || !parts[0].isEmpty()) {
            throw new InvalidHashException("argon2 hash has too few '$' fields");
        }
        String variant = parts[1];
        if (!variant.equals(ARGON2ID) && !variant.equals(ARGON2I) && !variant.equals(ARGON2D)) {
            throw new InvalidHashException("unknown argon2 variant");
        }
        int next = 2;
        int version = VERSION_10;
        if (parts[2].startsWith("v=")) {
            version = parseNumber(parts[2].substring(2), "v");
            if (version != VERSION_13 && version != VERSION_10) {
                throw new InvalidHashException(variant + " hash has an unsupported version");
            }
            next = 3;
        }
        // Exactly params, salt, hash must remain: the optional PHC keyid/data fields are not supported.
        if (parts.length != next + 3) {
            throw new InvalidHashException(variant + " hash has the wrong number of '$' fields");
        }
        String[] params = parts[next].split(",", -1);
        if (params.length != 3 || !params[0].startsWith("m=") || !params[1].startsWith("t=")
                || !params[2].startsWith("p=")) {
            throw new InvalidHashException(variant + " hash parameters are not 'm=..,t=..,p=..'");
        }
        int memoryKiB = parseNumber(params[0].substring(2), "m");
        int iterations = parseNumber(params[1].substring(2), "t");
        int parallelism = parseNumber(params[2].substring(2), "p");
        // SR-21: refuse before anything is allocated for this hash. Messages name the rule, not the stored value.
        if (memoryKiB > Argon2Parameters.MAX_MEMORY_KIB) {
            throw new InvalidHashException(variant + " hash memory is above the ceiling of 1048576 KiB (SR-21)");
        }
        if (iterations > Argon2Parameters.MAX_ITERATIONS) {
            throw new InvalidHashException(variant + " hash iterations are above the ceiling of 20 (SR-21)");
        }
        if (parallelism > Argon2Parameters.MAX_PARALLELISM) {
            throw new InvalidHashException(variant + " hash parallelism is above the ceiling of 16 (SR-21)");
        }
        // Argon2's own minimums; Bouncy Castle would throw on these, and we want "malformed", not an exception.
        if (iterations < 1 || parallelism < 1 || memoryKiB < 8 * parallelism) {
            throw new InvalidHashException(variant + " hash parameters are below Argon2's minimums");
        }
        byte[] salt = decode(parts[next + 1], variant, "salt");
        byte[] hash = decode(parts[next + 2], variant, "output");
        if (salt.length < MIN_SALT_BYTES || salt.length > MAX_SALT_BYTES) {
            throw new InvalidHashException(variant + " hash salt length is out of range");
        }
        if (hash.length < MIN_HASH_BYTES || hash.length > MAX_HASH_BYTES) {
            throw new InvalidHashException(variant + " hash output length is out of range");
        }
        return new PhcArgon2Hash(variant, version, memoryKiB, iterations, parallelism, salt, hash);
    }

    /** Plain decimal digits only: Integer.parseInt would also accept "+5" and "-0". */
    private static int parseNumber(String digits, String name) throws InvalidHashException {
        if (digits.isEmpty() || digits.length() > MAX_DIGITS) {
            // More than 9 digits is >= 10^9, above every ceiling; name it as such rather than "malformed".
            if (digits.length() > MAX_DIGITS && digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new InvalidHashException("argon2 hash parameter " + name + " is above the ceiling (SR-21)");
            }
            throw new InvalidHashException("argon2 hash parameter " + name + " is not a number");
        }
        int value = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                throw new InvalidHashException("argon2 hash parameter " + name + " is not a number");
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** Unpadded standard base64, as the PHC format specifies; padding or other alphabets are malformed. */
    private static byte[] decode(String text, String variant, String field) throws InvalidHashException {
        if (text.isEmpty() || text.indexOf('=') >= 0) {
            throw new InvalidHashException(variant + " hash " + field + " is not unpadded base64");
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidHashException(variant + " hash " + field + " is not unpadded base64");
        }
    }
}
