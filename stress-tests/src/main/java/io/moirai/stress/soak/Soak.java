package io.moirai.stress.soak;

import com.sun.management.UnixOperatingSystemMXBean;
import io.moirai.Moirai;
import io.moirai.RuntimeMetrics;
import io.moirai.net.TcpConnection;
import io.moirai.net.TcpListener;
import io.moirai.stream.Channel;
import io.moirai.stream.Streams;
import io.moirai.task.TaskHandle;
import io.moirai.task.TaskResult;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * The soak run: a mixed load of compute, blocking and async tasks, timers (fired and cancelled),
 * channels and TCP echo round trips on loopback, for a given duration, from two driver threads; then
 * an account of everything.
 *
 * <p>It fails (exit code 1) unless, at the end: every spawned task is accounted for (succeeded,
 * failed or cancelled, each exactly as many as the load asked for: injected failures fail, cancelled
 * timers are cancelled, nothing is pending); every channel delivered every item it accepted; every
 * echoed byte came back; no error went to the dropped-error handler; the runtime's metrics show no
 * queued task, pending timer or I/O registration left; {@code shutdown} ends every runtime thread in
 * time and none is left alive; the heap in use (after a full GC) and the open file descriptors are
 * back within a small margin of what they were before the runtime started.
 *
 * <p>Usage: {@code java -cp stress-tests/target/jcstress.jar io.moirai.stress.soak.Soak [seconds]}
 * (default 60). Traffic goes only to 127.0.0.1; every loop is bounded by the duration. Threads: runs
 * on its own main thread and two driver threads.
 */
public final class Soak {

    /** Heap growth tolerated after the run (the JIT, class data and the GC's own slack). */
    private static final long HEAP_MARGIN = 24L * 1024 * 1024;
    /** Open file descriptors tolerated above the start (jar files opened by late class loading). */
    private static final long FD_MARGIN = 8;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PREFIX = "moirai-soak";

    private final AtomicLong spawned = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong cancelled = new AtomicLong();
    private final AtomicLong expectedFailures = new AtomicLong();
    private final AtomicLong expectedCancels = new AtomicLong();
    private final AtomicLong channelItems = new AtomicLong();
    private final AtomicLong echoedBytes = new AtomicLong();
    /** How often a running soak prints its progress, in seconds. */
    private static final long PROGRESS_SECONDS = 10;
    private final AtomicLong rounds = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Soak() {}

    /**
     * @param args optional duration in seconds (default 60)
     * @throws Exception if the run itself breaks
     */
    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 60L;
        List<String> problems = new Soak().run(Duration.ofSeconds(seconds));
        if (!problems.isEmpty()) {
            System.out.println("SOAK FAILED:");
            problems.forEach(p -> System.out.println("  - " + p));
            System.exit(1);
        }
        System.out.println("SOAK PASSED");
    }

    /** Prints a line every {@value #PROGRESS_SECONDS} s while the drivers run, so a long soak is not silent. */
    private void printProgressUntil(long deadline, List<Thread> drivers) throws InterruptedException {
        long start = System.nanoTime();
        for (Thread t : drivers) {
            while (t.isAlive() && deadline - System.nanoTime() > 0) {
                t.join(TimeUnit.SECONDS.toMillis(PROGRESS_SECONDS)); // a timed wait: progress is reported by time
                if (t.isAlive() && deadline - System.nanoTime() > 0) {
                    long elapsed = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
                    long left = Math.max(0L, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime()));
                    System.out.printf(Locale.ROOT, "soak: %d s in, %d s left: %,d rounds, %,d tasks spawned, %,d bytes echoed%n",
                            elapsed, left, rounds.get(), spawned.get(), echoedBytes.get());
                }
            }
        }
    }

    private List<String> run(Duration duration) throws Exception {
        long heapBefore = usedHeapAfterGc();
        long fdsBefore = openFileDescriptors();
        System.out.printf("soak: %d s, heap in use %d MiB, open files %d%n", duration.toSeconds(), heapBefore >> 20, fdsBefore);

        Moirai moirai = Moirai.builder()
                .threadNamePrefix(PREFIX)
                .maxBlockingThreads(16)
                .blockingKeepAlive(Duration.ofSeconds(1))
                .droppedErrorHandler(t -> {
                    dropped.incrementAndGet();
                    problems.add("dropped error: " + t);
                })
                .build();
        TcpListener listener = TcpListener.bind(moirai, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        listener.connections().subscribe(new EchoServer());

        long deadline = System.nanoTime() + duration.toNanos();
        List<Thread> drivers = new ArrayList<>();
        for (int d = 0; d < 2; d++) {
            Thread t = new Thread(() -> drive(moirai, listener, deadline), "soak-driver-" + d);
            t.start();
            drivers.add(t);
        }
        printProgressUntil(deadline, drivers);
        for (Thread t : drivers) {
            t.join(duration.toMillis() + WAIT.toMillis() * 4);
            if (t.isAlive()) {
                problems.add(t.getName() + " did not finish (a wait hung)");
            }
        }
        listener.close();

        account(moirai);
        boolean inTime = moirai.shutdown(WAIT);
        if (!inTime) {
            problems.add("shutdown did not end every runtime thread within " + WAIT);
        }
        List<String> left = threadsLeft();
        if (!left.isEmpty()) {
            problems.add("runtime threads left after shutdown: " + left);
        }

        long heapAfter = usedHeapAfterGc();
        long fdsAfter = openFileDescriptors();
        System.out.printf("soak: %d rounds; tasks %d spawned = %d succeeded + %d failed + %d cancelled; %d channel items; "
                        + "%d bytes echoed; heap in use %d MiB (was %d); open files %d (was %d)%n",
                rounds.get(), spawned.get(), succeeded.get(), failed.get(), cancelled.get(), channelItems.get(),
                echoedBytes.get(), heapAfter >> 20, heapBefore >> 20, fdsAfter, fdsBefore);
        if (heapAfter > heapBefore + HEAP_MARGIN) {
            problems.add("heap in use grew from " + (heapBefore >> 20) + " MiB to " + (heapAfter >> 20) + " MiB");
        }
        if (fdsBefore >= 0 && fdsAfter > fdsBefore + FD_MARGIN) {
            problems.add("open file descriptors grew from " + fdsBefore + " to " + fdsAfter);
        }
        return problems;
    }

    /** One driver thread: rounds of mixed load until the deadline. */
    private void drive(Moirai moirai, TcpListener listener, long deadline) {
        try {
            while (System.nanoTime() - deadline < 0) {
                rounds.incrementAndGet();
                computeRound(moirai);
                blockingAndAsyncRound(moirai);
                timerRound(moirai);
                channelRound(moirai);
                tcpRound(moirai, listener);
                intervalRound(moirai);
            }
        } catch (Throwable t) {
            problems.add(Thread.currentThread().getName() + " failed: " + t);
        }
    }

    private void computeRound(Moirai moirai) {
        List<TaskHandle<Integer>> handles = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int v = i;
            if (i % 50 == 7) {
                expectedFailures.incrementAndGet();
                handles.add(moirai.spawn(() -> {
                    throw new IllegalStateException("injected failure " + v);
                }));
            } else {
                // fan out: each task spawns a child and joins it (a worker joining a worker's task)
                handles.add(moirai.spawn(() -> moirai.spawn(() -> v + 1).join() - 1));
                spawned.incrementAndGet(); // the child
                succeeded.incrementAndGet(); // joined by its parent, which fails otherwise
            }
            spawned.incrementAndGet();
        }
        settle(handles);
    }

    private void blockingAndAsyncRound(Moirai moirai) {
        List<TaskHandle<?>> handles = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            handles.add(moirai.spawnBlocking(() -> {
                Thread.sleep(1);
                return 1;
            }));
            handles.add(moirai.spawnAsync(() -> CompletableFuture.supplyAsync(() -> 2)));
            spawned.addAndGet(2);
        }
        settle(handles);
    }

    private void timerRound(Moirai moirai) {
        List<TaskHandle<?>> handles = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            handles.add(moirai.delay(Duration.ofMillis(1 + r.nextInt(5))));
            spawned.incrementAndGet();
            TaskHandle<Integer> far = moirai.schedule(Duration.ofHours(1), () -> 1);
            spawned.incrementAndGet();
            if (far.cancel()) {
                expectedCancels.incrementAndGet();
            }
            handles.add(far);
        }
        settle(handles);
    }

    private void channelRound(Moirai moirai) throws Exception {
        Channel<Integer> channel = Channel.bounded(moirai, 64);
        CountingSubscriber<Integer> receiver = new CountingSubscriber<>();
        channel.receiver().subscribe(receiver);
        List<TaskHandle<Void>> sends = new ArrayList<>();
        int accepted = 0;
        for (int i = 0; i < 2_000; i++) {
            if (i % 2 == 0 && channel.trySend(i)) {
                accepted++;
            } else {
                sends.add(channel.send(i));
            }
        }
        for (TaskHandle<Void> s : sends) {
            s.join(WAIT);
            accepted++;
        }
        channel.close();
        long got = receiver.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (got != accepted) {
            problems.add("channel delivered " + got + " of " + accepted + " accepted items");
        }
        channelItems.addAndGet(got);
    }

    private void tcpRound(Moirai moirai, TcpListener listener) throws Exception {
        TcpConnection client = TcpConnection.connect(moirai, listener.localAddress()).join(WAIT);
        try {
            int chunks = 16;
            int size = 16 * 1024;
            List<ByteBuffer> data = new ArrayList<>();
            for (int i = 0; i < chunks; i++) {
                data.add(ByteBuffer.allocate(size));
            }
            CountingSubscriber<ByteBuffer> in = new CountingSubscriber<>();
            client.inbound().subscribe(in);
            client.outbound(Streams.fromIterable(moirai, data)).join(WAIT);
            in.done.get(WAIT.toSeconds(), TimeUnit.SECONDS); // the server echoes, then shuts its output
            if (in.bytes.get() != (long) chunks * size) {
                problems.add("echo returned " + in.bytes.get() + " of " + (long) chunks * size + " bytes");
            }
            echoedBytes.addAndGet(in.bytes.get());
        } finally {
            client.close();
        }
    }

    private void intervalRound(Moirai moirai) throws Exception {
        CountingSubscriber<Long> ticks = new CountingSubscriber<>(3);
        moirai.interval(Duration.ofMillis(1)).subscribe(ticks);
        ticks.done.get(WAIT.toSeconds(), TimeUnit.SECONDS); // cancels itself after 3 ticks
    }

    /** Waits for every handle and counts its outcome. */
    private void settle(List<? extends TaskHandle<?>> handles) {
        for (TaskHandle<?> h : handles) {
            try {
                h.join(WAIT);
            } catch (java.util.concurrent.TimeoutException e) {
                problems.add("a task did not finish within " + WAIT + ": " + h);
            } catch (RuntimeException expected) {
                // failed or cancelled: counted below
            }
            Optional<? extends TaskResult<?>> r = h.tryJoin();
            if (r.isEmpty()) {
                continue;
            }
            if (r.get() instanceof TaskResult.Success<?>) {
                succeeded.incrementAndGet();
            } else if (r.get() instanceof TaskResult.Failure<?>) {
                failed.incrementAndGet();
            } else {
                cancelled.incrementAndGet();
            }
        }
    }

    /** The load has stopped: check the accounts and the runtime's figures. */
    private void account(Moirai moirai) throws InterruptedException {
        long total = succeeded.get() + failed.get() + cancelled.get();
        if (total != spawned.get()) {
            problems.add("tasks: " + spawned.get() + " spawned but " + total + " accounted for");
        }
        if (failed.get() != expectedFailures.get()) {
            problems.add("tasks: " + failed.get() + " failed, expected " + expectedFailures.get());
        }
        if (cancelled.get() != expectedCancels.get()) {
            problems.add("tasks: " + cancelled.get() + " cancelled, expected " + expectedCancels.get());
        }
        // the cancelled timers' removals and the last closes are applied by the driver: let them land
        RuntimeMetrics m = moirai.metrics();
        long until = System.nanoTime() + WAIT.toNanos();
        while ((m.pendingTimers() != 0 || m.ioRegistrations() != 0 || m.queuedTasks() != 0) && System.nanoTime() - until < 0) {
            Thread.sleep(10);
            m = moirai.metrics();
        }
        if (m.pendingTimers() != 0 || m.ioRegistrations() != 0 || m.queuedTasks() != 0) {
            problems.add("runtime not idle after the load: " + m);
        }
        if (m.workerThreads() != moirai.workerThreads()) {
            problems.add("worker threads: " + m);
        }
    }

    private static List<String> threadsLeft() throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        List<String> left;
        do {
            left = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && t.getName().startsWith(PREFIX))
                    .map(Thread::getName).sorted().collect(Collectors.toList());
            if (left.isEmpty()) {
                break;
            }
            Thread.sleep(20);
        } while (System.nanoTime() - until < 0);
        return left;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static long openFileDescriptors() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof UnixOperatingSystemMXBean unix ? unix.getOpenFileDescriptorCount() : -1L;
    }

    /** The echo server: each accepted connection writes back what it reads, then shuts its output. */
    private final class EchoServer implements Subscriber<TcpConnection> {
        @Override
        public void onSubscribe(Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(TcpConnection c) {
            c.outbound(c.inbound()).toCompletableFuture().whenComplete((v, e) -> c.close());
        }

        @Override
        public void onError(Throwable t) {
            problems.add("listener failed: " + t);
        }

        @Override
        public void onComplete() {
            // the listener was closed at the end of the run
        }
    }

    /**
     * Counts elements (and bytes of buffers); completes {@code done} with the count at the end, or
     * cancels itself after {@code limit} elements and completes then.
     */
    private final class CountingSubscriber<T> implements Subscriber<T> {
        final CompletableFuture<Long> done = new CompletableFuture<>();
        final AtomicLong bytes = new AtomicLong();
        private final long limit;
        private long count;
        private Subscription subscription;

        CountingSubscriber() {
            this(Long.MAX_VALUE);
        }

        CountingSubscriber(long limit) {
            this.limit = limit;
        }

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
            s.request(limit == Long.MAX_VALUE ? Long.MAX_VALUE : limit);
        }

        @Override
        public void onNext(T item) {
            count++;
            if (item instanceof ByteBuffer b) {
                bytes.addAndGet(b.remaining());
            }
            if (count == limit) {
                subscription.cancel();
                done.complete(count);
            }
        }

        @Override
        public void onError(Throwable t) {
            problems.add("subscriber failed: " + t);
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(count);
        }
    }
}
