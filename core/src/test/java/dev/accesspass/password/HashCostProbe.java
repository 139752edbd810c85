package dev.accesspass.password;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.Supplier;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;

/**
 * Throwaway measurement, not a test (no {@code @Test}, so Surefire ignores it): single-thread median time of one
 * Argon2id hash at the OWASP default (m=19456 KiB, t=2, p=1, 32-byte output) with Bouncy Castle's pure-Java
 * generator and, when {@code de.mkammerer:argon2-jvm} is on the classpath, with the native reference library.
 * The native side is reached by reflection so that this file compiles without that dependency. Figures and
 * commands are in {@code docs/PASSWORD-HASHING.md}.
 *
 * <p>Usage: {@code java -cp <test-classes>:<bcprov>[:<argon2-jvm>:<argon2-jvm-nolibs>:<jna>]
 * dev.accesspass.password.HashCostProbe [runs] [warmup]}
 */
public final class HashCostProbe {

    private static final int M = 19_456;
    private static final int T = 2;
    private static final int P = 1;
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SALT = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private HashCostProbe() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        System.out.printf("java %s, %s %s, %d processors, max heap %d MiB%n", System.getProperty("java.version"),
                System.getProperty("os.name"), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf("Argon2id m=%d KiB t=%d p=%d, 32-byte output, %d warm-up + %d timed runs%n",
                M, T, P, warmup, runs);

        byte[] bc = time("bouncycastle-1.87 (pure Java)", runs, warmup, HashCostProbe::bouncyCastle);

        Supplier<byte[]> nativeHash;
        try {
            nativeHash = nativeArgon2();
        } catch (ReflectiveOperationException | LinkageError e) {
            System.out.println("native argon2-jvm: not available (" + e + ")");
            return;
        }
        byte[] nat = time("argon2-jvm (native libargon2 via JNA)", runs, warmup, nativeHash);
        System.out.println("outputs identical: " + Arrays.equals(bc, nat) + " (" + HexFormat.of().formatHex(bc) + ")");
    }

    private static byte[] bouncyCastle() {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new org.bouncycastle.crypto.params.Argon2Parameters.Builder(
                org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_id)
                .withVersion(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(M).withIterations(T).withParallelism(P).withSalt(SALT).build());
        byte[] out = new byte[32];
        generator.generateBytes(PASSWORD, out);
        return out;
    }

    /** Argon2Factory.createAdvanced(ARGON2id, 16, 32).rawHash(t, m, p, password, salt), by reflection. */
    private static Supplier<byte[]> nativeArgon2() throws ReflectiveOperationException {
        Class<?> factory = Class.forName("de.mkammerer.argon2.Argon2Factory");
        @SuppressWarnings({"unchecked", "rawtypes"})
        Object type = Enum.valueOf((Class) Class.forName("de.mkammerer.argon2.Argon2Factory$Argon2Types"),
                "ARGON2id");
        Object argon2 = factory.getMethod("createAdvanced", type.getClass(), int.class, int.class)
                .invoke(null, type, 16, 32);
        Method rawHash = Class.forName("de.mkammerer.argon2.Argon2Advanced")
                .getMethod("rawHash", int.class, int.class, int.class, byte[].class, byte[].class);
        return () -> {
            try {
                return (byte[]) rawHash.invoke(argon2, T, M, P, PASSWORD.clone(), SALT);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static byte[] time(String label, int runs, int warmup, Supplier<byte[]> hash) {
        byte[] last = null;
        for (int i = 0; i < warmup; i++) {
            last = hash.get();
        }
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            last = hash.get();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        System.out.printf("%-40s median %6.1f ms  min %6.1f ms  max %6.1f ms%n", label,
                nanos[runs / 2] / 1e6, nanos[0] / 1e6, nanos[runs - 1] / 1e6);
        return last;
    }
}
