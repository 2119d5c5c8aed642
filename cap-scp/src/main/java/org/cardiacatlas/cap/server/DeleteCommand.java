package org.cardiacatlas.cap.server;

import java.io.PrintStream;
import java.util.List;
import org.cardiacatlas.cap.common.CapConfig;

final class DeleteCommand {
    private DeleteCommand() {
    }

    static int main(CapConfig config, List<String> args, PrintStream out) {
        return 2;
    }
}
