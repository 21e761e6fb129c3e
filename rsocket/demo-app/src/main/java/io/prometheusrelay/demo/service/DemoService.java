package io.prometheusrelay.demo.service;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/** A long-running service that takes orders: a counter, a timer and a gauge, scraped through the proxy. */
@SpringBootApplication
@EnableScheduling
public class DemoService {

	private final Counter orders;

	private final Timer checkout;

	private final AtomicInteger queued = new AtomicInteger();

	DemoService(MeterRegistry registry) {
		this.orders = Counter.builder("demo.orders").description("Orders taken").tag("channel", "web").register(registry);
		this.checkout = Timer.builder("demo.checkout").description("Time to check an order out").register(registry);
		Gauge.builder("demo.queue.depth", this.queued, AtomicInteger::get).description("Orders waiting").register(registry);
	}

	public static SpringApplication application() {
		return new SpringApplicationBuilder(DemoService.class).web(WebApplicationType.NONE)
			.properties("spring.application.name=demo-app")
			.build();
	}

	@Scheduled(fixedRate = 1000)
	void takeOrders() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		this.orders.increment(1 + random.nextInt(5));
		this.checkout.record(java.time.Duration.ofMillis(20 + random.nextInt(200)));
		this.queued.set(random.nextInt(10));
	}

}
