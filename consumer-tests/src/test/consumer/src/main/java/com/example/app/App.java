package com.example.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.moirai.Moirai;
import io.moirai.micrometer.MoiraiMetrics;
import io.moirai.reactor.MoiraiReactor;
import io.moirai.rxjava3.MoiraiRx;
import io.moirai.task.TaskHandle;
import io.reactivex.rxjava3.core.Flowable;
import java.util.List;
import reactor.core.publisher.Flux;

/**
 * A consumer of Moirai, compiled by ConsumerProjectTest against the published artifacts with the
 * README's pom: it names a type of every published module and of the libraries they bring along
 * (Reactor, RxJava, Micrometer), so each must arrive through the BOM and the modules' dependencies.
 */
public final class App {

    private App() {}

    public static void main(String[] args) {
        try (Moirai moirai = Moirai.create()) {
            MeterRegistry registry = new SimpleMeterRegistry();
            new MoiraiMetrics(moirai, Tags.of("runtime", "app")).bindTo(registry);
            TaskHandle<Integer> answer = moirai.spawn(() -> 6 * 7);
            List<Integer> squares = Flux.range(0, 10).publishOn(MoiraiReactor.scheduler(moirai))
                    .map(i -> i * i).collectList().block();
            long even = Flowable.range(0, 10).observeOn(MoiraiRx.scheduler(moirai))
                    .filter(i -> i % 2 == 0).count().blockingGet();
            System.out.println(answer.join() + " " + squares + " " + even + " "
                    + registry.get("moirai.tasks.spawned").functionCounter().count());
        }
    }
}
