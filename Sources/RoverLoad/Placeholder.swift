// RoverLoad: see ARCHITECTURE layout.
