package dev.accesspass.password;

/**
 * The Argon2id cost parameters AccessPass hashes new passwords with (SR-19).
 *
 * <p>The accepted range is bounded on both sides:
 * <ul>
 *   <li><b>Floor</b> (OWASP Password Storage Cheat Sheet): {@code memoryKiB >= 19456} with {@code iterations >= 2},
 *       or the cost-equivalent row {@code memoryKiB >= 47104} with {@code iterations >= 1}; {@code parallelism >= 1}.
 *       The cheat sheet's lower-memory rows (e.g. m=12288, t=3) are deliberately not accepted: memory is the cost
 *       that hurts GPU attackers, so we keep at least 19 MiB.</li>
 *   <li><b>Ceiling</b> (SR-21): {@code memoryKiB <= 1048576} (1 GiB), {@code iterations <= 20},
 *       {@code parallelism <= 16}. The same ceiling bounds stored hashes before verification, so a configured value
 *       above it could never be verified again.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 *
 * @param memoryKiB   memory cost in KiB (Argon2 {@code m})
 * @param iterations  number of passes (Argon2 {@code t})
 * @param parallelism lanes (Argon2 {@code p})
 */
public record Argon2Parameters(int memoryKiB, int iterations, int parallelism) {

    /** OWASP row 1: m=19 MiB with t=2. */
    static final int FLOOR_MEMORY_KIB = 19_456;
    static final int FLOOR_ITERATIONS = 2;
    /** OWASP row 2 (equal cost): m=46 MiB with t=1. */
    static final int FLOOR_MEMORY_KIB_SINGLE_PASS = 47_104;

    /** SR-21 ceilings; shared with the stored-hash parser so both sides agree. */
    static final int MAX_MEMORY_KIB = 1_048_576;
    static final int MAX_ITERATIONS = 20;
    static final int MAX_PARALLELISM = 16;

    /**
     * Validates the parameters.
     *
     * @throws IllegalArgumentException if the parameters are below the OWASP floor or above the SR-21 ceiling;
     *                                  the message names the rule that failed
     */
    public Argon2Parameters {
        if (parallelism < 1) {
            throw new IllegalArgumentException("Argon2 parallelism must be at least 1 (SR-19), got " + parallelism);
        }
        boolean rowOne = memoryKiB >= FLOOR_MEMORY_KIB && iterations >= FLOOR_ITERATIONS;
        boolean rowTwo = memoryKiB >= FLOOR_MEMORY_KIB_SINGLE_PASS && iterations >= 1;
        if (!rowOne && !rowTwo) {
            throw new IllegalArgumentException("Argon2 parameters m=" + memoryKiB + " KiB, t=" + iterations
                    + " are below the OWASP floor (SR-19): need m >= 19456 KiB with t >= 2,"
                    + " or m >= 47104 KiB with t >= 1");
        }
        checkCeiling(memoryKiB, iterations, parallelism);
    }

    /**
     * The OWASP Password Storage Cheat Sheet's first Argon2id row: 19 MiB, 2 iterations, 1 lane.
     *
     * @return {@code (19456, 2, 1)}
     */
    public static Argon2Parameters owaspDefault() {
        return new Argon2Parameters(FLOOR_MEMORY_KIB, FLOOR_ITERATIONS, 1);
    }

    /**
     * Rejects values above the SR-21 ceiling. Package-private so that the test-only weak hasher, which skips the
     * floor, still cannot exceed the ceiling.
     *
     * @throws IllegalArgumentException naming the exceeded ceiling
     */
    static void checkCeiling(int memoryKiB, int iterations, int parallelism) {
        if (memoryKiB > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("Argon2 memory " + memoryKiB
                    + " KiB is above the ceiling of 1048576 KiB (1 GiB) (SR-21)");
        }
        if (iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("Argon2 iterations " + iterations
                    + " are above the ceiling of 20 (SR-21)");
        }
        if (parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("Argon2 parallelism " + parallelism
                    + " is above the ceiling of 16 (SR-21)");
        }
    }
}
