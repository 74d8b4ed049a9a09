// RoverRunner: see ARCHITECTURE layout.
