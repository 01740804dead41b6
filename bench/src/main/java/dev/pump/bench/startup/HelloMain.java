package dev.pump.bench.startup;

import io.vertx.core.Vertx;

/**
 * The startup baseline: a plain Vert.x hello server (vertx-core only, shaded into target/hello.jar)
 * answering 200 on every path, {@code /health} included. {@code java -jar hello.jar PORT}.
 */
public final class HelloMain {

  private HelloMain() {
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx();
    vertx.createHttpServer()
      .requestHandler(request -> request.response().putHeader("Content-Type", "application/json").end("{\"status\":\"UP\"}"))
      .listen(port, "127.0.0.1")
      .onSuccess(server -> System.out.println("hello listening on " + server.actualPort()))
      .onFailure(e -> {
        e.printStackTrace();
        new Thread(() -> System.exit(1)).start();
      });
  }
}
