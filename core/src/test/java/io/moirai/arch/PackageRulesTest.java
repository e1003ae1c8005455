package io.moirai.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of core, checked on its compiled classes (tests excluded):
 * <ul>
 *   <li>the internal packages form no cycle;
 *   <li>{@code internal.util} and {@code internal.flow} are leaves: they use no other Moirai package;
 *   <li>{@code internal.serial} (the adapters' serial executor) is a leaf too, on {@code internal.util}
 *       only: it uses nothing of the runtime and nothing public;
 *   <li>internals use the public API only where they implement it: the task handle types
 *       ({@code io.moirai.task}), {@code RuntimeMetrics}, and {@code Moirai} itself only in
 *       {@code RuntimeAccess}, the one entry point by which the public packages reach a runtime's core.
 * </ul>
 */
class PackageRulesTest {

    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("io.moirai");
        // guard against a vacuous pass: the rules must see the real packages
        assertThat(core.containPackage("io.moirai.internal.runtime")).isTrue();
        assertThat(core.size()).isGreaterThan(50);
    }

    @Test
    void internalPackagesFormNoCycle() {
        slices().matching("io.moirai.internal.(*)..").should().beFreeOfCycles().check(core);
    }

    @Test
    void theLeafPackagesUseNoOtherMoiraiPackage() {
        noClasses().that().resideInAnyPackage("io.moirai.internal.util..", "io.moirai.internal.flow..")
                .should().dependOnClassesThat(otherMoiraiPackagesThan("io.moirai.internal.util", "io.moirai.internal.flow"))
                .check(core);
    }

    @Test
    void theSerialPackageUsesOnlyUtil() {
        assertThat(core.containPackage("io.moirai.internal.serial")).isTrue();
        noClasses().that().resideInAPackage("io.moirai.internal.serial..")
                .should().dependOnClassesThat(otherMoiraiPackagesThan("io.moirai.internal.serial", "io.moirai.internal.util"))
                .check(core);
    }

    @Test
    void internalsUseThePublicApiOnlyWhereTheyImplementIt() {
        noClasses().that().resideInAPackage("io.moirai.internal..")
                .should().dependOnClassesThat(publicApiOtherThanImplementedTypes())
                .check(core);
        noClasses().that().resideInAPackage("io.moirai.internal..")
                .and().doNotHaveFullyQualifiedName("io.moirai.internal.runtime.RuntimeAccess")
                .should().dependOnClassesThat().haveFullyQualifiedName("io.moirai.Moirai")
                .check(core);
    }

    private static DescribedPredicate<JavaClass> otherMoiraiPackagesThan(String... allowed) {
        return DescribedPredicate.describe("Moirai classes outside " + String.join(", ", allowed), c -> {
            String p = c.getPackageName();
            if (!p.startsWith("io.moirai")) {
                return false;
            }
            for (String a : allowed) {
                if (p.equals(a) || p.startsWith(a + ".")) {
                    return false;
                }
            }
            return true;
        });
    }

    private static DescribedPredicate<JavaClass> publicApiOtherThanImplementedTypes() {
        return DescribedPredicate.describe("public API classes other than io.moirai.task.*, RuntimeMetrics and Moirai", c -> {
            String p = c.getPackageName();
            if (!p.startsWith("io.moirai") || p.startsWith("io.moirai.internal")) {
                return false;
            }
            if (p.equals("io.moirai.task")) {
                return false;
            }
            String n = c.getFullName();
            return !n.equals("io.moirai.RuntimeMetrics") && !n.equals("io.moirai.Moirai");
        });
    }
}
