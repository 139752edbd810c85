package dev.accesspass;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 6238 TOTP on {@code javax.crypto.Mac}: HMAC-SHA-1, 6 digits, 30-second steps, a code accepted for the
 * current step and one either side. ~60 lines, proven by the RFC's test vectors, so no library is needed. Which
 * step was already used is the store's business ({@code UserStore.useTotpStep}); this class only maps a code to
 * its step. Stateless.
 */
public final class Totp {
    /** Step length in seconds. */
    public static final int PERIOD = 30;
    /** Code length. */
    public static final int DIGITS = 6;
    /** The secret's length: 160 bits, as RFC 4226 recommends for HMAC-SHA-1. */
    public static final int SECRET_BYTES = 20;

    private Totp() {
    }

    /** The step {@code at} falls in. */
    public static long step(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), PERIOD);
    }

    /** The code of one step, zero-padded to {@code digits}; {@code digits} is 6 here, 8 for the RFC vectors. */
    public static String code(byte[] secret, long step, int digits, String algorithm) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(secret, "RAW"));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = hash[hash.length - 1] & 0x0f;
            int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                    | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
            long modulus = (long) Math.pow(10, digits);
            String code = Long.toString(binary % modulus);
            return "0".repeat(digits - code.length()) + code;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is missing from this JVM", e);
        }
    }

    /** The 6-digit HMAC-SHA-1 code of one step: what authenticator apps show. */
    public static String code(byte[] secret, long step) {
        return code(secret, step, DIGITS, "HmacSHA1");
    }

    /** The code of the step {@code at} falls in, from a base32 secret (what tests and the example compute). */
    public static String codeAt(String base32Secret, Instant at) {
        return code(Base32.decode(base32Secret), step(at));
    }

    /**
     * The step {@code code} belongs to among the current one and its two neighbours, or empty. Only exactly six
     * ASCII digits can match (no other Unicode digit, no spaces). Every candidate is computed and compared in
     * constant time, so the timing does not tell which step matched.
     */
    static OptionalLong match(byte[] secret, String code, Instant now) {
        if (!isWellFormed(code)) {
            return OptionalLong.empty();
        }
        long current = step(now);
        long found = Long.MIN_VALUE;
        for (long step = current - 1; step <= current + 1; step++) {
            if (MessageDigest.isEqual(code(secret, step).getBytes(StandardCharsets.US_ASCII),
                    code.getBytes(StandardCharsets.US_ASCII))) {
                found = step;
            }
        }
        return found == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(found);
    }

    static boolean isWellFormed(String code) {
        if (code == null || code.length() != DIGITS) {
            return false;
        }
        for (int i = 0; i < DIGITS; i++) {
            char c = code.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
