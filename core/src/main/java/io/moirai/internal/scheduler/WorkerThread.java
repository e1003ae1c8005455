package io.moirai.internal.scheduler;

/**
 * The default compute worker thread: a plain daemon thread that knows its worker, so the scheduler
 * recognises its own threads without a {@code ThreadLocal}. Created and started by the scheduler only.
 */
final class WorkerThread extends Thread {

    final Worker worker;

    WorkerThread(Worker worker, String name) {
        super(worker, name);
        this.worker = worker;
        setDaemon(true);
    }
}
