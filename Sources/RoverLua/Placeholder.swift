// RoverLua: see ARCHITECTURE layout.
