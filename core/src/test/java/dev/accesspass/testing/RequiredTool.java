package dev.accesspass.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class (or method) that needs programs installed on the machine, such as Chromium and chromedriver,
 * nginx or redis-server, so that a missing one can never make tests vanish silently:
 *
 * <ul>
 *   <li>all present: the tests run;</li>
 *   <li>one missing on a developer's machine: every test is reported <em>skipped</em>, with the reason and the
 *       command that installs it, so the skipped count shows it;</li>
 *   <li>one missing in CI ({@code CI=true}, as {@code .ci/run} runs): the tests <em>fail</em>, since CI installs what
 *       the build needs and a missing tool there is a broken build.</li>
 * </ul>
 *
 * <pre>{@code
 * @RequiredTool(value = {"nginx"}, install = "apt-get install nginx")
 * class BehindNginxTest { ... }
 * }</pre>
 *
 * The decision is made before anything of the class runs ({@code @BeforeAll} included), so setup may freely use
 * the tools.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(RequiredToolCondition.class)
public @interface RequiredTool {
    /** Each program: an absolute path, or a name looked up on {@code PATH}. */
    String[] value();

    /** The command that installs the missing programs, shown in the skip or failure message. */
    String install();
}
