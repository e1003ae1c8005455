package io.moirai.examples.scale;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Scale-out workers as child JVMs on loopback: each runs this JVM's class path's
 * {@code io.moirai.examples.Main scale-worker} on port 0, writes its port to a file in a temporary
 * directory, and has its output relayed line by line, prefixed with {@code [worker N]}.
 *
 * <p><b>Stopping.</b> {@link #close()} closes each child's standard input, which the worker takes as
 * its stop ({@code --exit-on-stdin-eof}: it prints its summary and exits), then after 10 s terminates
 * it and after 5 s more kills it. A child whose parent dies sees its input end too, so none outlives
 * the demo; a shutdown hook kills the children if this JVM is stopped first (Ctrl-C).
 *
 * <p><b>Threads.</b> Start and close from one thread; {@link #kill} from any.
 */
public final class WorkerProcesses implements AutoCloseable {

    private static final long POLL_MILLIS = 10;

    private final List<Process> processes = new ArrayList<>();
    private final List<Thread> relays = new ArrayList<>();
    private final List<InetSocketAddress> addresses = new ArrayList<>();
    private final Path dir;
    private final Thread killOnExit;

    private WorkerProcesses(Path dir) {
        this.dir = dir;
        this.killOnExit = new Thread(() -> processes.forEach(Process::destroyForcibly), "scale-demo-children");
    }

    /**
     * Starts {@code count} workers and returns once every one listens.
     *
     * @param count how many
     * @param jvmOptions the children's JVM options, e.g. {@code -Xmx64m}
     * @param workerOptions options for {@code scale-worker} beyond the port and the port file
     * @param out where their output is relayed, and where the start is announced
     * @param timeout how long all of them may take to listen
     * @return the running workers
     * @throws IOException if one cannot be started, exits before it listens, or does not listen in time
     *     (the ones started are stopped)
     */
    public static WorkerProcesses start(int count, List<String> jvmOptions, List<String> workerOptions, PrintWriter out,
            Duration timeout) throws IOException {
        WorkerProcesses workers = new WorkerProcesses(Files.createTempDirectory("moirai-scale-demo"));
        Runtime.getRuntime().addShutdownHook(workers.killOnExit);
        try {
            for (int i = 1; i <= count; i++) {
                workers.launch(i, jvmOptions, workerOptions, out);
            }
            workers.awaitPorts(timeout);
            return workers;
        } catch (IOException | RuntimeException e) {
            workers.close();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.close();
            throw new IOException("interrupted while the workers started", e);
        }
    }

    private void launch(int i, List<String> jvmOptions, List<String> workerOptions, PrintWriter out) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.moirai.examples.Main");
        command.add("scale-worker");
        command.add("--port=0");
        command.add("--port-file=" + portFile(i));
        command.add("--exit-on-stdin-eof");
        command.addAll(workerOptions);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.add(p);
        out.println("scale-demo: worker " + i + " started, pid " + p.pid() + ": java " + String.join(" ", jvmOptions)
                + " ... scale-worker --port=0 " + String.join(" ", workerOptions));
        out.flush();
        Thread relay = new Thread(() -> relay(i, p, out), "scale-demo-worker-" + i);
        relay.setDaemon(true);
        relay.start();
        relays.add(relay);
    }

    private static void relay(int i, Process p, PrintWriter out) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                out.println("[worker " + i + "] " + line);
                out.flush();
            }
        } catch (IOException e) {
            // the child is gone; its exit is reported by whoever waits for it
        }
    }

    private Path portFile(int i) {
        return dir.resolve("worker-" + i + ".port");
    }

    /** Waits for each child's port file (polling: the file is the child's only signal), failing if a child exits first. */
    private void awaitPorts(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 1; i <= processes.size(); i++) {
            Process p = processes.get(i - 1);
            Path file = portFile(i);
            while (!Files.exists(file)) {
                if (!p.isAlive()) {
                    throw new IOException("worker " + i + " exited with code " + p.exitValue() + " before it listened");
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("worker " + i + " did not listen within " + timeout.toSeconds() + " s");
                }
                Thread.sleep(POLL_MILLIS);
            }
            int port = Integer.parseInt(Files.readString(file, StandardCharsets.US_ASCII).trim());
            addresses.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }
    }

    /** @return the workers' addresses, worker 1 first */
    public List<InetSocketAddress> addresses() {
        return List.copyOf(addresses);
    }

    /** @return worker {@code i}'s process id, from 1 */
    public long pid(int i) {
        return processes.get(i - 1).pid();
    }

    /** @return each child's exit code, worker 1 first, or -1 for one still running */
    public List<Integer> exitCodes() {
        return processes.stream().map(p -> p.isAlive() ? -1 : p.exitValue()).toList();
    }

    /** Kills worker {@code i} (from 1) at once, as {@code kill -9} would: no goodbye on its connections. */
    public void kill(int i) {
        processes.get(i - 1).destroyForcibly();
    }

    /**
     * Stops every child (see the class comment), waits for the last of their output, and deletes the
     * port files.
     */
    @Override
    public void close() {
        for (Process p : processes) {
            try {
                p.getOutputStream().close();
            } catch (IOException e) {
                // already gone
            }
        }
        try {
            for (Process p : processes) {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroy();
                    if (!p.waitFor(5, TimeUnit.SECONDS)) {
                        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    }
                }
            }
            for (Thread relay : relays) {
                relay.join(2_000);
            }
        } catch (InterruptedException e) {
            processes.forEach(Process::destroyForcibly);
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it kills them
            }
            deleteDir();
        }
    }

    /** Best effort: a port file left in the temporary directory harms nobody. */
    private void deleteDir() {
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // left behind
        }
    }
}
