package io.moirai.arch;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.Moirai;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.jctools.queues.MpscArrayQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Publisher;

/**
 * Core on the module path, as a modular application sees it: a module of the test's own (compiled
 * here, run in a {@link ModuleLayer} of its own with core's classes, reactive-streams and JCTools)
 * holds every kind of handle and subscription the public API hands out and tries to reach their
 * internals. It must find that only the four public packages are exported, that no handle is a JDK
 * callback type (a {@code Runnable} or {@code BiConsumer} a cast could run or complete), and that no
 * public method of an internal type can be called or made accessible by reflection. A cast to an
 * internal type does not even compile.
 */
final class ModuleEncapsulationTest {

    /** The probe module: uses the public API only, reports every internal it could reach. */
    private static final String PROBE = """
            package probe;

            import io.moirai.Moirai;
            import io.moirai.stream.Channel;
            import io.moirai.stream.Streams;
            import io.moirai.task.TaskHandle;
            import java.lang.reflect.Method;
            import java.time.Duration;
            import java.util.ArrayList;
            import java.util.List;
            import java.util.concurrent.CompletableFuture;
            import java.util.concurrent.CountDownLatch;
            import java.util.concurrent.TimeUnit;
            import java.util.function.Supplier;
            import org.reactivestreams.Publisher;
            import org.reactivestreams.Subscriber;
            import org.reactivestreams.Subscription;

            public final class Probe implements Supplier<List<String>> {

                @Override
                public List<String> get() {
                    List<String> found = new ArrayList<>();
                    Module core = Moirai.class.getModule();
                    for (String p : core.getPackages()) {
                        if (core.isExported(p) != !p.startsWith("io.moirai.internal")) {
                            found.add("package " + p + (core.isExported(p) ? " is exported" : " is not exported"));
                        }
                    }
                    try (Moirai m = Moirai.builder().workerThreads(2).ioThreads(1).build()) {
                        Channel<String> full = Channel.bounded(m, 1);
                        full.trySend("fills the buffer");
                        List<Object> held = new ArrayList<>();
                        held.add(m.spawn(() -> 1));
                        held.add(m.spawnBlocking(() -> 2));
                        held.add(m.spawnAsync(CompletableFuture::new));
                        held.add(m.fromCompletionStage(new CompletableFuture<>()));
                        held.add(m.delay(Duration.ofHours(1)));
                        held.add(m.schedule(Duration.ofHours(1), () -> 3));
                        held.add(full.send("waits"));
                        held.add(full.asSubscriber());
                        held.add(subscription(full.receiver()));
                        held.add(subscription(m.interval(Duration.ofHours(1))));
                        held.add(subscription(Streams.parallelMap(m, Streams.fromIterable(m, List.of(1, 2)), x -> x, 2)));
                        for (Object o : held) {
                            probe(o, found);
                        }
                    }
                    return found;
                }

                private static Subscription subscription(Publisher<?> p) {
                    Subscription[] got = new Subscription[1];
                    CountDownLatch subscribed = new CountDownLatch(1);
                    p.subscribe(new Subscriber<Object>() {
                        public void onSubscribe(Subscription s) { got[0] = s; subscribed.countDown(); }
                        public void onNext(Object item) {}
                        public void onError(Throwable t) {}
                        public void onComplete() {}
                    });
                    try {
                        if (!subscribed.await(10, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("no onSubscribe from " + p);
                        }
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return got[0];
                }

                private static void probe(Object o, List<String> found) {
                    String what = o.getClass().getName();
                    if (o instanceof Runnable || o instanceof java.util.function.BiConsumer
                            || o instanceof java.util.function.Consumer || o instanceof java.util.concurrent.Callable) {
                        found.add(what + " is a JDK callback a cast could invoke");
                    }
                    for (Method method : o.getClass().getMethods()) {
                        Class<?> owner = method.getDeclaringClass();
                        if (!owner.getModule().isExported(owner.getPackageName())) {
                            Object target = java.lang.reflect.Modifier.isStatic(method.getModifiers()) ? null : o;
                            if (method.canAccess(target) || method.trySetAccessible()) {
                                found.add(what + ": " + owner.getName() + "." + method.getName() + " is reachable");
                            }
                        }
                    }
                }
            }
            """;

    /** A cast a modular user might write: it must not compile. */
    private static final String CAST = """
            package cast;

            public final class Cast {
                public static void complete(io.moirai.task.TaskHandle<Object> handle) {
                    ((io.moirai.internal.task.TaskCore<Object>) handle).run();
                }
            }
            """;

    @Test
    void onTheModulePathOnlyThePublicApiIsReachable(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("probe-classes");
        String errors = compile(dir.resolve("probe-src"), "probe", "probe/Probe.java", PROBE, out);
        assertThat(errors).as("the probe compiles against the public API").isEmpty();

        ModuleFinder finder = ModuleFinder.of(out, location(Moirai.class), location(Publisher.class),
                location(MpscArrayQueue.class));
        Configuration cf = ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(), Set.of("probe"));
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
        Module core = layer.findModule("io.moirai.core").orElseThrow();
        assertThat(core.getDescriptor().isAutomatic()).as("core has a module descriptor").isFalse();

        @SuppressWarnings("unchecked")
        Supplier<List<String>> probe = (Supplier<List<String>>) layer.findLoader("probe")
                .loadClass("probe.Probe").getConstructor().newInstance();
        assertThat(probe.get()).as("internals a modular user could reach").isEmpty();
    }

    @Test
    void aCastToAnInternalTypeDoesNotCompile(@TempDir Path dir) throws Exception {
        String errors = compile(dir.resolve("cast-src"), "cast", "cast/Cast.java", CAST, dir.resolve("cast-classes"));
        assertThat(errors).contains("io.moirai.internal.task").contains("is not visible");
    }

    /** Compiles a one-class module that requires core; returns javac's error output. */
    private static String compile(Path src, String module, String file, String code, Path out) throws IOException,
            URISyntaxException {
        Files.createDirectories(src.resolve(file).getParent());
        Files.writeString(src.resolve("module-info.java"), "module " + module + " { requires io.moirai.core; exports " + module + "; }\n");
        Files.writeString(src.resolve(file), code);
        Files.createDirectories(out);
        String modulePath = String.join(java.io.File.pathSeparator, location(Moirai.class).toString(),
                location(Publisher.class).toString(), location(MpscArrayQueue.class).toString());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        javac.getTask(errors, null, null, List.of("--release", "17", "--module-path", modulePath, "-d", out.toString()),
                        null, javac.getStandardFileManager(null, null, null).getJavaFileObjects(
                                src.resolve("module-info.java"), src.resolve(file)))
                .call();
        return errors.toString();
    }

    private static Path location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
