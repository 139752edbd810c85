package dev.accesspass.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Argon2ParametersTest {

    @Test
    void sr19_owaspDefaultIsTheFirstCheatSheetRow() {
        assertThat(Argon2Parameters.owaspDefault()).isEqualTo(new Argon2Parameters(19456, 2, 1));
    }

    @ParameterizedTest
    @CsvSource({"19456,2,1", "47104,1,1", "65536,3,4", "1048576,20,16"})
    void sr19_acceptsOwaspRowsAndAbove(int m, int t, int p) {
        assertThat(new Argon2Parameters(m, t, p).memoryKiB()).isEqualTo(m);
    }

    @ParameterizedTest
    @CsvSource({"16384,2,1", "19456,1,1", "47103,1,1", "12288,3,1", "19456,0,1"})
    void sr19_rejectsBelowOwaspFloor(int m, int t, int p) {
        assertThatThrownBy(() -> new Argon2Parameters(m, t, p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OWASP floor");
    }

    @Test
    void sr19_rejectsZeroParallelism() {
        assertThatThrownBy(() -> new Argon2Parameters(19456, 2, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parallelism");
    }

    @ParameterizedTest
    @CsvSource({"1048577,2,1,memory", "19456,21,1,iterations", "19456,2,17,parallelism"})
    void sr21_rejectsAboveCeiling(int m, int t, int p, String rule) {
        assertThatThrownBy(() -> new Argon2Parameters(m, t, p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ceiling")
                .hasMessageContaining(rule);
    }

    @Test
    void sr19_testOnlyWeakHasherStillHonoursCeiling() {
        assertThatThrownBy(() -> Argon2idHasher.withoutFloorForTests(4_194_304, 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Argon2idHasher.withoutFloorForTests(4, 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
