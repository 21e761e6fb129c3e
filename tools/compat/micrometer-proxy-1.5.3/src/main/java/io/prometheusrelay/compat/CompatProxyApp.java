package io.prometheusrelay.compat;

import io.micrometer.prometheus.rsocket.PrometheusControllerProperties;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The published proxy as an application: the jar ships only its controller and properties, so a
 * deployment supplies the main class. Ports: micrometer.prometheus-proxy.tcp-port and websocket-port.
 */
@SpringBootApplication(scanBasePackages = "io.micrometer.prometheus.rsocket")
@EnableConfigurationProperties(PrometheusControllerProperties.class)
public class CompatProxyApp {

	public static void main(String[] args) {
		SpringApplication.run(CompatProxyApp.class, args);
	}

}
