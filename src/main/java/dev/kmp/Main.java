package dev.kmp;
public final class Main { public static void main(String[] a) { System.out.println("kmp"); } }
