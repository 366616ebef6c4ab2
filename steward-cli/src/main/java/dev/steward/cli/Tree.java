package dev.steward.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Plain-text tree output, each node under its parent; drawn in ASCII, which every terminal and log shows as it is. */
final class Tree {
    private final String label;
    private final List<Tree> children = new ArrayList<>();

    Tree(String label) {
        this.label = label;
    }

    /** Adds a child and returns it. */
    Tree add(String childLabel) {
        Tree child = new Tree(childLabel);
        children.add(child);
        return child;
    }

    void print(PrintWriter out) {
        out.println(label);
        printChildren(out, "");
        out.flush();
    }

    private void printChildren(PrintWriter out, String indent) {
        for (int i = 0; i < children.size(); i++) {
            boolean last = i == children.size() - 1;
            out.println(indent + (last ? "`-- " : "+-- ") + children.get(i).label);
            children.get(i).printChildren(out, indent + (last ? "    " : "|   "));
        }
    }
}
