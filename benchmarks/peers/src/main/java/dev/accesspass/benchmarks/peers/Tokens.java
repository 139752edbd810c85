package dev.accesspass.benchmarks.peers;

import java.security.SecureRandom;
import java.util.Base64;

/** Bearer tokens shaped like AccessPass's (32 random bytes, base64url, 43 characters), for the peers' maps. */
final class Tokens {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {
    }

    static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
