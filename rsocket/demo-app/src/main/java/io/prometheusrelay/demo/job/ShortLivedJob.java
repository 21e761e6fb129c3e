package io.prometheusrelay.demo.job;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A batch job that runs once and exits, too quickly for any scrape to find it alive: its metrics
 * reach Prometheus only through the starter's push at shutdown, served by the proxy's next scrape.
 */
@SpringBootApplication
public class ShortLivedJob {

	/** Runs the job and shuts down (pushing the last metrics); returns the exit code. */
	public static int run(String... args) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ShortLivedJob.class)
			.web(WebApplicationType.NONE)
			.properties("spring.application.name=demo-job")
			.run(args);
		return SpringApplication.exit(context);
	}

	@Bean
	CommandLineRunner job(MeterRegistry registry) {
		Counter items = Counter.builder("demo.job.items").description("Items the job processed").register(registry);
		return args -> {
			for (int item = 0; item < 42; item++) {
				items.increment();
			}
		};
	}

}
