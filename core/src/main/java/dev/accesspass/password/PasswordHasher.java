package dev.accesspass.password;

/**
 * Hashes and verifies user passwords (SR-19..SR-21, SR-26, SR-33).
 *
 * <p><b>Password text.</b> Before hashing and before verifying, the password is normalized with Unicode NFKC
 * ({@link java.text.Normalizer.Form#NFKC}) and encoded as UTF-8. Nothing else is done to it: no trimming, no case
 * folding, no truncation, and every code point (including U+0000) is allowed (SR-26). So "Café" typed as NFC or as
 * NFD verifies against the same hash, while "Café " (trailing space) does not. A string that is not valid UTF-16
 * (an unpaired surrogate) cannot be encoded without loss and is refused rather than silently replaced.
 *
 * <p><b>Cost.</b> Every {@code hash}, {@code verify} and {@code verifyDummy} call costs one full Argon2id
 * computation (tens of milliseconds and {@code memoryKiB} of memory). Callers run them through a shared
 * {@link HashingPool} so that concurrency, and therefore peak memory, stays bounded (SR-22).
 *
 * <p><b>Thread-safety.</b> Implementations are immutable and safe for concurrent use.
 */
public interface PasswordHasher {

    /**
     * Hashes a password with the current parameters and a fresh 16-byte random salt.
     *
     * @param password the password as typed; normalized with NFKC before hashing
     * @return a PHC string {@code $argon2id$v=19$m=<KiB>,t=<iterations>,p=<lanes>$<salt>$<hash>} with unpadded
     *         standard base64 salt (16 bytes) and hash (32 bytes)
     * @throws NullPointerException     if {@code password} is null
     * @throws IllegalArgumentException if {@code password} contains an unpaired surrogate
     */
    String hash(String password);

    /**
     * Checks a password against a stored hash in constant time.
     *
     * <p>Accepts Argon2id/Argon2i/Argon2d PHC strings (versions 0x13 and 0x10) and bcrypt strings with the
     * {@code $2a$}, {@code $2b$} and {@code $2y$} prefixes (imported legacy hashes; bcrypt only reads the first 72
     * bytes of the password, which {@link #needsRehash} fixes on the next successful login).
     *
     * <p>Returns {@code false}, and logs one ERROR line that names at most the scheme prefix, when the stored hash is
     * null, of an unknown format, malformed, or has parameters above the SR-21 ceiling
     * ({@code m > 1048576 KiB}, {@code t > 20}, {@code p > 16}, bcrypt cost above 16). Such hashes are rejected
     * before any memory is allocated for them. This method never throws for a bad stored hash.
     *
     * @param password    the submitted password; normalized with NFKC before verifying
     * @param encodedHash the stored hash string
     * @return whether the password matches
     * @throws NullPointerException if {@code password} is null
     */
    boolean verify(String password, String encodedHash);

    /**
     * Tells whether a stored hash should be replaced by {@link #hash} after a successful {@link #verify} (SR-20).
     *
     * <p>True for bcrypt, for Argon2i and Argon2d, for Argon2 version 0x10, and for Argon2id whose memory,
     * iterations or parallelism is lower than the current parameters, or whose salt or output length differs from
     * what {@link #hash} produces. Also true for null, unknown or malformed strings (they are not in the current
     * format; {@code verify} has already failed for them, so nothing is rewritten). Stronger stored parameters are
     * kept. Cheap: parses the string only.
     *
     * @param encodedHash the stored hash string, may be null
     * @return whether the hash should be upgraded
     */
    boolean needsRehash(String encodedHash);

    /**
     * Performs one full verification of {@code password} against a dummy hash made with the current parameters
     * when this hasher was created, and discards the result. Call it when no stored hash exists (unknown user,
     * OAuth-only account) so that such a login costs the same as a real one (SR-33).
     *
     * @param password the submitted password
     * @throws NullPointerException if {@code password} is null
     */
    void verifyDummy(String password);

    /**
     * Creates an Argon2id hasher with the given parameters. Creating one costs one hash computation, for the dummy
     * hash of {@link #verifyDummy}; create it once at start-up.
     *
     * @param params the parameters for new hashes; already validated against the floor and ceiling
     * @return a thread-safe hasher
     * @throws NullPointerException if {@code params} is null
     */
    static PasswordHasher argon2id(Argon2Parameters params) {
        return new Argon2idHasher(params);
    }
}
