// The n-body float kernel: advance(steps) moves five bodies and returns the energy * 1e9.
static double x[5], y[5], z[5], vx[5], vy[5], vz[5], mass[5];

static double square_root(double value) { return __builtin_sqrt(value); }

static void setup(void) {
    for (int i = 0; i < 5; i++) {
        x[i] = i * 1.5; y[i] = i * -0.75; z[i] = i * 0.25;
        vx[i] = 0.01 * i; vy[i] = -0.02 * i; vz[i] = 0.005 * i;
        mass[i] = 1.0 + i * 0.1;
    }
}

double energy(void) {
    double e = 0;
    for (int i = 0; i < 5; i++) {
        e += 0.5 * mass[i] * (vx[i] * vx[i] + vy[i] * vy[i] + vz[i] * vz[i]);
        for (int j = i + 1; j < 5; j++) {
            double dx = x[i] - x[j], dy = y[i] - y[j], dz = z[i] - z[j];
            e -= mass[i] * mass[j] / square_root(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

long long advance(int steps) {
    setup();
    const double dt = 0.001;
    for (int s = 0; s < steps; s++) {
        for (int i = 0; i < 5; i++)
            for (int j = i + 1; j < 5; j++) {
                double dx = x[i] - x[j], dy = y[i] - y[j], dz = z[i] - z[j];
                double d2 = dx * dx + dy * dy + dz * dz;
                double magnitude = dt / (d2 * square_root(d2));
                vx[i] -= dx * mass[j] * magnitude; vy[i] -= dy * mass[j] * magnitude; vz[i] -= dz * mass[j] * magnitude;
                vx[j] += dx * mass[i] * magnitude; vy[j] += dy * mass[i] * magnitude; vz[j] += dz * mass[i] * magnitude;
            }
        for (int i = 0; i < 5; i++) { x[i] += dt * vx[i]; y[i] += dt * vy[i]; z[i] += dt * vz[i]; }
    }
    return (long long)(energy() * 1e9);
}
