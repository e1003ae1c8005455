package io.moirai.examples;

import io.moirai.Moirai;
import io.moirai.RuntimeMetrics;
import io.moirai.task.TaskHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * The main program of the examples jar: a short tour that spawns compute, blocking and async tasks,
 * joins them, subscribes to one as a Reactive Streams publisher, waits on a timer, runs a TCP echo
 * through a server written with {@code TcpListener}/{@code TcpConnection}, and prints what it saw. Exits 0 on
 * success, 1 if any step failed.
 */
public final class Main {

    private Main() {}

    /**
     * Runs the tour.
     *
     * @param args ignored
     * @throws Exception if a step fails unexpectedly
     */
    public static void main(String[] args) throws Exception {
        int status = run();
        System.exit(status);
    }

    static int run() throws Exception {
        try (Moirai moirai = Moirai.create()) {
            System.out.println("Moirai tour on " + moirai.metrics().workerThreads() + " compute workers");

            TaskHandle<Long> sum = moirai.spawn(() -> {
                List<TaskHandle<Long>> parts = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    long from = i * 10_000L;
                    parts.add(moirai.spawn(() -> {
                        long s = 0;
                        for (long x = from; x < from + 10_000; x++) {
                            s += x;
                        }
                        return s;
                    }));
                }
                long total = 0;
                for (TaskHandle<Long> p : parts) {
                    total += p.join();
                }
                return total;
            });
            System.out.println("compute : sum of 0..999,999 in 100 subtasks = " + sum.join());

            TaskHandle<String> blocking = moirai.spawnBlocking(() -> {
                TimeUnit.MILLISECONDS.sleep(50);
                return "slept 50 ms on " + Thread.currentThread().getName();
            });
            System.out.println("blocking: " + blocking.join());

            CompletableFuture<String> later = new CompletableFuture<>();
            TaskHandle<String> async = moirai.spawnAsync(() -> later);
            moirai.spawnBlocking(() -> later.complete("completed by another task"));
            System.out.println("async   : " + async.join(Duration.ofSeconds(10)) + " (no thread held while pending)");

            CountDownLatch done = new CountDownLatch(1);
            sum.subscribe(new Subscriber<Long>() {
                @Override
                public void onSubscribe(Subscription s) {
                    s.request(1);
                }

                @Override
                public void onNext(Long value) {
                    System.out.println("publish : a subscriber received " + value);
                }

                @Override
                public void onError(Throwable t) {
                    System.out.println("publish : error " + t);
                }

                @Override
                public void onComplete() {
                    done.countDown();
                }
            });
            if (!done.await(10, TimeUnit.SECONDS)) {
                System.out.println("publish : no completion within 10 s");
                return 1;
            }

            long start = System.nanoTime();
            moirai.delay(Duration.ofMillis(20)).join();
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.println("timer   : delay(20 ms) completed after " + (waited >= 20 ? "at least 20 ms" : waited + " ms (early!)"));
            if (waited < 20) {
                return 1;
            }

            System.out.println("tcp     : echo server replied \"" + TcpEcho.roundTrip(moirai, "hello, Moirai") + "\"");

            RuntimeMetrics m = moirai.metrics();
            System.out.println("metrics : " + m.tasksSpawned() + " tasks spawned, " + m.tasksCompleted()
                    + " completed, " + m.steals() + " steals, " + m.blockingThreads() + " blocking thread(s)");
        }
        return 0;
    }
}
